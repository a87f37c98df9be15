/** `deno task dispatcher`: consumes trading signals and turns matches into pipeline jobs. */
import { parseConfig } from "../../shared/config.ts";
import { errorMessage } from "../../shared/errors.ts";
import { createKafka } from "../../shared/kafka.ts";
import { waitForTopics } from "../../shared/kafka_topics.ts";
import { serveMetrics } from "../../shared/metrics.ts";
import { redisNames } from "../../shared/names.ts";
import { bootService, exitOnConfigError, exitProcess } from "../../shared/process.ts";
import { connectStores, waitForStores } from "../../shared/stores.ts";
import { logSummaries } from "../../shared/log_summary.ts";
import { createDispatcher } from "./dispatcher.ts";
import { dispatcherSummary } from "./metrics.ts";

const config = exitOnConfigError(() => parseConfig(Deno.env.toObject()));
const { log, signal } = await bootService({ service: "dispatcher", config });
// Its claim statements announce on Redis, not by NOTIFY (see shared/announce_changes.ts).
const stores = connectStores(config, { service: "dispatcher", log, announce: false });
const { sql, redis } = stores;
// What /readyz lists as missing: everything until each wait passes, and Kafka during an outage.
// Ready also waits for the consumer group's first assignment: before it, a new group's start is
// not committed yet and a signal sent then would not be consumed (kafka_group_start.ts).
const missing = new Set(["Postgres", "Redis", "Kafka", "Kafka consumer group"]);
const kafka = createKafka({
  brokers: config.KAFKA_BOOTSTRAP_SERVERS,
  clientId: "tickwire-dispatcher",
  onReachable: (up) => up ? missing.delete("Kafka") : missing.add("Kafka"),
});
const dispatcher = createDispatcher({
  config,
  sql,
  redis,
  kafka,
  names: redisNames(config.REDIS_KEY_PREFIX),
  log,
});
dispatcher.joined.then(() => missing.delete("Kafka consumer group"));
// Served before the waits, so liveness answers while a dependency is still down. Once running,
// a stalled dispatcher (progress.ts) is not ready either, and says why.
const server = serveMetrics(
  dispatcher.metrics.registry,
  config.METRICS_PORT_DISPATCHER,
  signal,
  () => [...missing, ...dispatcher.stalled()],
);

await waitForStores(stores, config, { signal, log, missing });
try {
  await waitForTopics(kafka, {
    input: config.KAFKA_SIGNAL_TOPIC,
    deadLetter: config.KAFKA_DEAD_LETTER_TOPIC,
  }, { signal, log });
  missing.delete("Kafka");
  log.info("Dispatcher consuming {topic} as {group}, metrics on :{port}", {
    topic: config.KAFKA_SIGNAL_TOPIC,
    group: config.KAFKA_CONSUMER_GROUP,
    port: (server.addr as Deno.NetAddr).port,
  });
  logSummaries(log, dispatcherSummary(dispatcher.metrics), {
    everySeconds: config.LOG_SUMMARY_SECONDS,
    signal,
  });
  await dispatcher.run(signal);
  await server.finished;
} catch (error) {
  if (!signal.aborted) {
    log.fatal("Dispatcher stopped: {error}", { error: errorMessage(error) });
    Deno.exitCode = 1;
  }
} finally {
  redis.disconnect();
  await sql.end({ timeout: 2 });
  log.info("Dispatcher stopped");
}
await exitProcess();
