import assert from "node:assert/strict";
import { connectPostgres } from "../../shared/db.ts";
import { MetricsRegistry } from "../../shared/metrics.ts";
import { serviceLogger } from "../../shared/logging.ts";
import { connectRedis } from "../../shared/redis.ts";
import { createTestApi } from "./test_api.ts";
import { API_REDIS_COMMAND_TIMEOUT_MS } from "./app.ts";
import { startTcpProxy } from "../../bench/chaos/tcp_proxy.ts";
import { testConfig } from "../../tests/fixtures/config.ts";
import { pollUntil } from "../../shared/poll_until.ts";

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

Deno.test("metrics: not on the API's port (they go to METRICS_PORT_API), still counted", async () => {
  const metrics = new MetricsRegistry();
  await using api = await createTestApi({}, { metrics });
  const { token } = await api.user();
  await api.call("GET", `/api/v1/pipelines/${crypto.randomUUID()}`, { token });
  const res = await api.app.request("/metrics");
  assert.equal(res.status, 404);
  await res.body?.cancel();
  const text = await metrics.render();
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

Deno.test("Postgres unreachable: 503 with Retry-After, not 500", async () => {
  const sql = connectPostgres(`postgres://root@127.0.0.1:${closedPort()}/none`, { max: 1 });
  try {
    await using api = await createTestApi({}, { sql });
    const listed = await api.call("GET", "/api/v1/pipelines", { token: "tw_whatever" });
    assert.equal(listed.status, 503, JSON.stringify(listed.body));
    assert.equal(listed.headers.get("retry-after"), "5");
    assert.equal(listed.body.error, "The database is unavailable; retry shortly");
    const registered = await api.call("POST", "/api/v1/auth/register", {
      body: { email: "x@example.com", password: "a long enough password" },
    });
    assert.equal(registered.status, 503);
  } finally {
    await sql.end({ timeout: 1 });
  }
});

Deno.test("Redis cut mid-run: a login answers 503 with Retry-After at once, and works again after", async () => {
  const target = new URL(testConfig().REDIS_URL);
  await using proxy = startTcpProxy({
    hostname: target.hostname,
    port: Number(target.port || 6379),
  });
  // Connected as services/api/main.ts connects.
  const redis = connectRedis(`redis://127.0.0.1:${proxy.port}`, {
    name: "tickwire-test",
    log: serviceLogger("test", "redis"),
    commandTimeoutMs: API_REDIS_COMMAND_TIMEOUT_MS,
  });
  try {
    await using api = await createTestApi({}, { redis });
    const { email } = await api.user();
    const logIn = () =>
      api.call("POST", "/api/v1/auth/tokens", {
        body: { email, password: "a long enough password" },
      });
    const outage = proxy.outage(8000);
    const started = performance.now();
    const refused = await logIn();
    const seconds = (performance.now() - started) / 1000;
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.equal(refused.headers.get("retry-after"), "5");
    assert.equal(refused.body.error, "Redis is unavailable; retry shortly");
    assert.ok(seconds < API_REDIS_COMMAND_TIMEOUT_MS / 1000 + 2, `answered after ${seconds} s`);
    await outage;
    await pollUntil("a login after the outage", async () => {
      const res = await logIn();
      return res.status === 201 ? res : undefined;
    }, { timeoutMs: 15_000, intervalMs: 500 });
  } finally {
    redis.disconnect();
  }
});
