/** `deno task dispatcher`: consumes trading signals and turns matches into pipeline jobs. */
import { parseConfig } from "../../shared/config.ts";
import { connectPostgres, pingPostgres } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import { createKafka } from "../../shared/kafka.ts";
import { ensureTopics } from "../../shared/kafka_topics.ts";
import { serveMetrics } from "../../shared/metrics.ts";
import { redisNames } from "../../shared/names.ts";
import { bootService, exitOnConfigError, waitForService } from "../../shared/process.ts";
import { connectRedis, pingRedis } from "../../shared/redis.ts";
import { logSummaries } from "../../shared/log_summary.ts";
import { createDispatcher } from "./dispatcher.ts";
import { dispatcherSummary } from "./metrics.ts";

const config = exitOnConfigError(() => parseConfig(Deno.env.toObject()));
const { log, signal } = await bootService({ service: "dispatcher", config });
const sql = connectPostgres(config.databaseUrl, {
  max: config.DATABASE_POOL_SIZE,
  applicationName: "tickwire-dispatcher",
});
const redis = connectRedis(config.REDIS_URL, { name: "tickwire-dispatcher" });
const kafka = createKafka({
  brokers: config.KAFKA_BOOTSTRAP_SERVERS,
  clientId: "tickwire-dispatcher",
});

const waitFor = (what: string, check: () => Promise<unknown>) =>
  waitForService(what, check, { signal, log });

try {
  await waitFor("Postgres", () => pingPostgres(sql, config.databaseUrl));
  await waitFor("Redis", () => pingRedis(redis, config.REDIS_URL));
  await waitFor(
    "Kafka",
    () =>
      ensureTopics(kafka, [{ topic: config.KAFKA_DEAD_LETTER_TOPIC, partitions: 1 }], {
        require: [config.KAFKA_SIGNAL_TOPIC],
      }),
  );
  const dispatcher = createDispatcher({
    config,
    sql,
    redis,
    kafka,
    names: redisNames(config.REDIS_KEY_PREFIX),
    log,
  });
  const server = serveMetrics(dispatcher.metrics.registry, config.METRICS_PORT_DISPATCHER, signal);
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
