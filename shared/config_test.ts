import assert from "node:assert/strict";
import { ConfigError, parseConfig } from "./config.ts";

Deno.test("parseConfig gives the seed's defaults for an empty environment", () => {
  const c = parseConfig({});
  assert.equal(c.KAFKA_SIGNAL_TOPIC, "trading-signals");
  assert.equal(c.KAFKA_CONSUMER_GROUP, "trigger-dispatcher");
  assert.equal(c.BATCH_SIZE, 20);
  assert.equal(c.BATCH_TIMEOUT_SECONDS, 0.5);
  assert.equal(c.CACHE_REFRESH_INTERVAL_SECONDS, 30);
  assert.equal(c.API_PORT, 8000);
  assert.equal(c.databaseUrl, "postgres://root@127.0.0.1:5432/test");
});

Deno.test("parseConfig builds the database URL from POSTGRES_* unless DATABASE_URL is set", () => {
  const env = {
    POSTGRES_HOST: "db",
    POSTGRES_USER: "u",
    POSTGRES_PASSWORD: "p@ss",
    POSTGRES_DB: "x",
  };
  assert.equal(parseConfig(env).databaseUrl, "postgres://u:p%40ss@db:5432/x");
  assert.equal(
    parseConfig({ ...env, DATABASE_URL: "postgres://a@b:1/c" }).databaseUrl,
    "postgres://a@b:1/c",
  );
});

Deno.test("parseConfig reports every invalid variable in one message", () => {
  const err = caught(() =>
    parseConfig({
      BATCH_SIZE: "twenty",
      API_PORT: "70000",
      LOG_FORMAT: "xml",
      REDIS_URL: "http://x",
      KAFKA_BOOTSTRAP_SERVERS: "kafka",
    })
  );
  assert.ok(err instanceof ConfigError);
  assert.equal(err.problems.length, 5);
  for (
    const name of ["BATCH_SIZE", "API_PORT", "LOG_FORMAT", "REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS"]
  ) {
    assert.match(err.message, new RegExp(`^  ${name}=`, "m"));
  }
  assert.match(err.message, /BATCH_SIZE="twenty": must be a number/);
});

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("Expected an error, none was thrown");
}

Deno.test("parseConfig says which bound a number is outside of, not that it is no number", () => {
  const err = caught(() =>
    parseConfig({ WORKER_CONCURRENCY: "0", API_PORT: "70000", SWEEP_INTERVAL_SECONDS: "0.5" })
  );
  assert.ok(err instanceof ConfigError);
  assert.match(err.message, /WORKER_CONCURRENCY="0": must be at least 1$/m);
  assert.match(err.message, /API_PORT="70000": must be at most 65535$/m);
  assert.match(err.message, /SWEEP_INTERVAL_SECONDS="0.5": must be at least 1$/m);
});

Deno.test("parseConfig: EGRESS_ALLOWED_NETWORKS takes CIDRs and addresses, and names a bad one", () => {
  assert.equal(parseConfig({}).EGRESS_ALLOWED_NETWORKS, "");
  const ok = parseConfig({ EGRESS_ALLOWED_NETWORKS: "127.0.0.1/32, 10.0.0.0/8,::1" });
  assert.equal(ok.EGRESS_ALLOWED_NETWORKS, "127.0.0.1/32, 10.0.0.0/8,::1");
  const err = caught(() => parseConfig({ EGRESS_ALLOWED_NETWORKS: "127.0.0.1/32,intranet" }));
  assert.ok(err instanceof ConfigError);
  assert.match(err.message, /EGRESS_ALLOWED_NETWORKS="127\.0\.0\.1\/32,intranet": must be/);
});

Deno.test("parseConfig: a heartbeat over a third of the visibility timeout is refused, naming both", () => {
  // WORKER_VISIBILITY_TIMEOUT_SECONDS=5 with the default 10 s heartbeat ran webhooks twice.
  const err = caught(() => parseConfig({ WORKER_VISIBILITY_TIMEOUT_SECONDS: "5" }));
  assert.ok(err instanceof ConfigError);
  assert.equal(err.problems.length, 1);
  assert.match(
    err.problems[0]!,
    /^WORKER_HEARTBEAT_SECONDS=10 and WORKER_VISIBILITY_TIMEOUT_SECONDS=5: the heartbeat must be at most a third of the visibility timeout/,
  );
  assert.equal(
    parseConfig({ WORKER_VISIBILITY_TIMEOUT_SECONDS: "5", WORKER_HEARTBEAT_SECONDS: "1.5" })
      .WORKER_HEARTBEAT_SECONDS,
    1.5,
  );
});

Deno.test("parseConfig: every cross-field problem is listed, each naming its variables", () => {
  const err = caught(() =>
    parseConfig({
      WORKER_RETRY_BASE_SECONDS: "600",
      WORKER_RETRY_MAX_SECONDS: "60",
      BATCH_SIZE: "500",
      BATCH_MAX_SIZE: "100",
      METRICS_PORT_WORKER: "8000",
    })
  );
  assert.ok(err instanceof ConfigError);
  assert.deepEqual(err.problems.map((p) => p.split(":")[0]), [
    "WORKER_RETRY_BASE_SECONDS=600 and WORKER_RETRY_MAX_SECONDS=60",
    "BATCH_SIZE=500 and BATCH_MAX_SIZE=100",
    "API_PORT=8000 and METRICS_PORT_WORKER=8000",
  ]);
  // Port 0 (any free port) may repeat.
  assert.equal(parseConfig({ API_PORT: "0", METRICS_PORT_WORKER: "0" }).API_PORT, 0);
});
