import assert from "node:assert/strict";
import { serviceLogger } from "../../shared/logging.ts";
import { connectRedis } from "../../shared/redis.ts";
import { createTestApi } from "./test_api.ts";

/** A port nothing listens on: bound, read, released. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("healthz answers while the process is up", async () => {
  await using api = await createTestApi();
  const res = await api.call("GET", "/healthz");
  assert.deepEqual([res.status, res.body], [200, { status: "ok" }]);
});

Deno.test("readyz: ready when Postgres, Redis and Kafka answer", async () => {
  await using api = await createTestApi();
  const res = await api.call("GET", "/readyz");
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body, {
    status: "ready",
    checks: { postgres: "ok", redis: "ok", kafka: "ok" },
  });
});

Deno.test("readyz: 503 naming Redis when it is unreachable", async () => {
  const redis = connectRedis(`redis://127.0.0.1:${closedPort()}`, {
    name: "tickwire-test",
    log: serviceLogger("test", "redis"),
  });
  redis.on("error", () => {}); // the refused connections are the point of this test
  try {
    await using api = await createTestApi({ API_READY_TIMEOUT_SECONDS: 0.5 }, { redis });
    const res = await api.call("GET", "/readyz");
    assert.equal(res.status, 503);
    assert.equal(res.body.status, "unavailable");
    assert.equal(res.body.checks.postgres, "ok");
    assert.equal(res.body.checks.kafka, "ok");
    assert.notEqual(res.body.checks.redis, "ok");
  } finally {
    redis.disconnect();
  }
});

Deno.test("metrics: requests counted by route pattern and status, in Prometheus text", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  await api.call("GET", `/api/v1/pipelines/${crypto.randomUUID()}`, { token });
  const res = await api.app.request("/metrics");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(
    text,
    /^http_requests_total\{method="GET",route="\/api\/v1\/pipelines\/:id",status="404"\} 1$/m,
  );
  assert.match(
    text,
    /^http_requests_total\{method="POST",route="\/api\/v1\/auth\/tokens",status="201"\} 1$/m,
  );
  assert.match(
    text,
    /^http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/pipelines\/:id"\} 1$/m,
  );
});
