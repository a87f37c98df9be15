/**
 * `deno task paper-ledger`: consumes the daily bars the signal generator publishes on
 * KAFKA_BAR_TOPIC and applies each to the paper ledger: protective exits (stop, take-profit,
 * trailing, time) booked once each, and the equity of every account holding the ticker marked
 * at the bar's close. A message that is not a bar goes to KAFKA_DEAD_LETTER_TOPIC. Metrics,
 * /healthz and /readyz on METRICS_PORT_PAPER_LEDGER.
 */
import { parseConfig } from "../../shared/config.ts";
import { errorMessage } from "../../shared/errors.ts";
import { Partitioners } from "kafkajs";
import { createKafka, logLevel } from "../../shared/kafka.ts";
import { deadLetterMessage } from "../../shared/kafka_dead_letter.ts";
import { waitForTopics } from "../../shared/kafka_topics.ts";
import { logSummaries } from "../../shared/log_summary.ts";
import { MetricsRegistry, serveMetrics } from "../../shared/metrics.ts";
import { bootService, exitOnConfigError, exitProcess } from "../../shared/process.ts";
import { closeStores, connectStores, waitForStores } from "../../shared/stores.ts";
import { consumeBars } from "./consume_bars.ts";

const config = exitOnConfigError(() => parseConfig(Deno.env.toObject()));
const { log, signal } = await bootService({ service: "paper-ledger", config });
const registry = new MetricsRegistry();
const m = (name: string) => `tickwire_paper_ledger_${name}`;
const metrics = {
  bars: registry.counter(m("bars_total"), "Bars applied to the paper ledger"),
  exits: registry.counter(m("exits_total"), "Protective exits booked, by reason"),
  invalid: registry.counter(
    m("invalid_messages_total"),
    "Messages on the bar topic that are not bars, or bars Postgres refuses, dead-lettered",
  ),
};
const stores = connectStores(config, { service: "paper-ledger", poolSize: 2, redis: false, log });
const { sql } = stores;
// Not ready until Postgres answered and the consumer is in its group. A group with no committed
// offsets starts at the topic's end when it joins, so a bar sent before a first join is not
// applied; readiness is what tells a deployment (and a test) that bars are being read.
const waiting = new Set(["Postgres", "Kafka bar consumer group"]);
/** The /readyz entry while bars cannot be applied (Postgres away), with the error. */
let applying: string | null = null;
try {
  const server = serveMetrics(
    registry,
    config.METRICS_PORT_PAPER_LEDGER,
    signal,
    () => [...waiting],
  );
  await waitForStores(stores, config, { signal, log, missing: waiting });
  log.info("Paper ledger: applying bars from {topic} (group {group}), metrics on :{port}", {
    topic: config.KAFKA_BAR_TOPIC,
    group: config.KAFKA_BAR_CONSUMER_GROUP,
    port: (server.addr as Deno.NetAddr).port,
  });
  const kafka = createKafka({
    brokers: config.KAFKA_BOOTSTRAP_SERVERS,
    clientId: "tickwire-paper-ledger",
    logLevel: logLevel.WARN,
  });
  // The bar topic is the generator's (or `stack up`'s) to create; until it exists, wait and say
  // so in /readyz rather than exit into a restart loop.
  await waitForTopics(kafka, {
    input: config.KAFKA_BAR_TOPIC,
    deadLetter: config.KAFKA_DEAD_LETTER_TOPIC,
  }, { signal, log });
  logSummaries(log, [
    { label: "bars", read: () => metrics.bars.total(), rate: true },
    { label: "exits", read: () => metrics.exits.total() },
    { label: "dead-lettered", read: () => metrics.invalid.total() },
  ], { everySeconds: config.LOG_SUMMARY_SECONDS, signal });
  // Idempotent, so the producer's own retries add no copy of a letter.
  const letters = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await letters.connect();
  await consumeBars({
    kafka,
    topic: config.KAFKA_BAR_TOPIC,
    groupId: config.KAFKA_BAR_CONSUMER_GROUP,
    sql,
    log,
    metrics,
    deadLetter: async (letter) => {
      await letters.send({
        topic: config.KAFKA_DEAD_LETTER_TOPIC,
        acks: -1,
        messages: [deadLetterMessage(letter)],
      });
    },
    onMembership: (joined) => {
      if (joined) waiting.delete("Kafka bar consumer group");
      else waiting.add("Kafka bar consumer group");
    },
    onApplyFailing: (error) => {
      if (applying !== null) waiting.delete(applying);
      applying = error === null ? null : `Applying bars (${error}; trying again)`;
      if (applying !== null) waiting.add(applying);
    },
  }, signal);
  await letters.disconnect().catch(() => {});
  await server.finished;
} catch (error) {
  if (!signal.aborted) {
    log.fatal("Paper ledger stopped: {error}", { error: errorMessage(error) });
    Deno.exitCode = 1;
  }
}
await closeStores(stores);
log.info("Paper ledger stopped");
await exitProcess();
