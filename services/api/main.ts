/** `deno task api`: serves the Pipelines API on API_PORT until SIGINT/SIGTERM. */
import { parseConfig } from "../../shared/config.ts";
import { pingPostgres } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import { createKafka } from "../../shared/kafka.ts";
import { MetricsRegistry, serveMetrics } from "../../shared/metrics.ts";
import { redisNames } from "../../shared/names.ts";
import { bootService, exitOnConfigError } from "../../shared/process.ts";
import { duplicateRedis, pingRedis } from "../../shared/redis.ts";
import { connectStores } from "../../shared/stores.ts";
import { createSignalSender } from "../../shared/signals/kafka_signal_sender.ts";
import { API_REDIS_COMMAND_TIMEOUT_MS, createApp, OPENAPI_PATH } from "./app.ts";
import { interruptLostBacktests } from "./backtest_store.ts";
import { readChartBundle } from "./ui/assets.ts";
import { createLiveHub } from "./ui/live/live_hub.ts";

const config = exitOnConfigError(() => parseConfig(Deno.env.toObject()));
const { log, signal } = await bootService({ service: "api", config });

// A request answers 503 during a Redis outage instead of waiting for Redis (app.ts).
const { sql, redis } = connectStores(config, {
  service: "api",
  log,
  redisCommandTimeoutMs: API_REDIS_COMMAND_TIMEOUT_MS,
});
// No retries: /readyz must answer within API_READY_TIMEOUT_SECONDS, not after a backoff series.
const kafkaAdmin = createKafka({
  brokers: config.KAFKA_BOOTSTRAP_SERVERS,
  clientId: "tickwire-api",
  retries: 0,
}).admin();
// The webhook intake answers within TradingView's 3 s, so few retries.
const signalSender = createSignalSender(
  createKafka({ brokers: config.KAFKA_BOOTSTRAP_SERVERS, clientId: "tickwire-api", retries: 1 }),
  config.KAFKA_SIGNAL_TOPIC,
);

// Serve even when a dependency is down: /readyz reports it and requests fail with 503 until back.
for (const check of [pingPostgres(sql, config.databaseUrl), pingRedis(redis, config.REDIS_URL)]) {
  check.catch((error) => log.warn(errorMessage(error)));
}
// Backtests this API's previous process (or a crashed peer) left running are not running any more.
interruptLostBacktests(sql).then(
  (n) => n > 0 && log.warn("Marked {n} lost backtest jobs interrupted", { n }),
  (error) => log.warn(errorMessage(error)),
);
// Said at start-up, not only when a paper page asks for the chart (then it answers 500).
try {
  readChartBundle();
} catch (error) {
  log.error(errorMessage(error));
}

// The web app's live pages: one LISTEN for the process, opened by the first page that needs it,
// and one Redis subscriber for the dispatcher's and the workers' announcements; open event streams end on
// shutdown so the server can stop.
const liveSubscriber = duplicateRedis(redis, log.getChild("redis"));
const hub = createLiveHub(sql, log, {
  subscriber: liveSubscriber,
  names: redisNames(config.REDIS_KEY_PREFIX),
});
signal.addEventListener("abort", () => hub.close());

const metrics = new MetricsRegistry();
// Off the public port: request counts and latencies are for the operator, not every client.
const metricsServer = serveMetrics(metrics, config.METRICS_PORT_API, signal);
const app = createApp({
  metrics,
  sql,
  redis,
  names: redisNames(config.REDIS_KEY_PREFIX),
  config,
  log,
  kafkaAdmin,
  publishSignals: signalSender.send,
  hub,
});
const server = Deno.serve({
  port: config.API_PORT,
  hostname: "0.0.0.0",
  signal,
  onListen: ({ port }) =>
    log.info("API listening on http://127.0.0.1:{port} (docs at /docs, spec at {spec})", {
      port,
      spec: OPENAPI_PATH,
    }),
}, app.fetch);

await Promise.all([server.finished, metricsServer.finished]);
log.info("API stopped; closing connections");
await Promise.allSettled([
  sql.end({ timeout: 5 }),
  redis.quit(),
  liveSubscriber.quit(),
  kafkaAdmin.disconnect(),
  signalSender.close(),
]);
