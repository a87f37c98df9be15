/**
 * The paper ledger's bar consumer: each daily bar on the bar topic goes to {@linkcode applyBar}
 * (protective exits, then the equity marks of the accounts holding the ticker). A bar is
 * committed only once applied; when Postgres fails the message is retried (kafkajs restarts the
 * partition from its last commit), and a bar applied twice books nothing twice, because each
 * position remembers the last bar it checked. A message that is not a bar is dead-lettered (the
 * dispatcher's letter format, keyed by the original's coordinates) before it is committed, so it
 * is never silently dropped and never stalls the partition; while the dead-letter topic cannot
 * be written, the message is retried.
 */
import type { ConsumerRunConfig, Kafka } from "kafkajs";
import { GROUP_MEMBERSHIP } from "../../shared/kafka.ts";
import { runWithRestarts } from "../../shared/kafka_consumer_restart.ts";
import { startNewGroupAtEnd } from "../../shared/kafka_group_start.ts";
import type { Sql } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import { applyBar } from "../../shared/ledger/apply_bar.ts";
import type { DeadLetter } from "../../shared/kafka_dead_letter.ts";
import type { Logger } from "../../shared/logging.ts";
import type { Counter } from "../../shared/metrics.ts";
import { parseBarMessage } from "../../shared/schemas/bar_message.ts";

/** Options of {@linkcode consumeBars}. */
export interface ConsumeBarsOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  sql: Sql;
  log: Logger;
  metrics: { bars: Counter; exits: Counter; invalid: Counter };
  /** Writes one letter to the dead-letter topic; resolves once the broker acknowledged it. */
  deadLetter: (letter: DeadLetter) => Promise<void>;
  /** A new group reads the topic from its start instead of its end; default false. */
  fromBeginning?: boolean;
  /**
   * Called with true each time the consumer joins its group (it has partitions and reads), and
   * with false when it crashes or stops; the service's readiness follows it.
   */
  onMembership?: (joined: boolean) => void;
}

/** Consumes until `signal` aborts; resolves once the consumer has left its group. */
export async function consumeBars(options: ConsumeBarsOptions, signal: AbortSignal) {
  const { kafka, topic, sql, log, metrics } = options;
  // A stop waits for the fetch in flight, which an idle topic holds open for maxWaitTimeInMs:
  // kafkajs' 5 s made every Ctrl-C of `deno task start` wait for the ledger. 1 s costs an idle
  // ledger one fetch a second and a bar nothing (a fetch answers as soon as one arrives).
  // Membership: a ledger killed outright is replaced within seconds, not 30 (GROUP_MEMBERSHIP).
  // A bar applied again after a missed session books nothing twice (see above).
  const consumer = kafka.consumer({
    groupId: options.groupId,
    maxWaitTimeInMs: 1000,
    ...GROUP_MEMBERSHIP,
  });
  const membership = options.onMembership ?? (() => {});
  consumer.on(consumer.events.GROUP_JOIN, () => membership(true));
  consumer.on(consumer.events.CRASH, () => membership(false));
  consumer.on(consumer.events.STOP, () => membership(false));
  await consumer.connect();
  // A new group starts at the topic's end, committed before it joins, so a ledger that stops
  // before its first commit skips no bar (kafka_group_start.ts).
  if (!options.fromBeginning) await startNewGroupAtEnd(kafka, options.groupId, topic);
  await consumer.subscribe({ topic, fromBeginning: true });
  const handlers: ConsumerRunConfig = {
    eachMessage: async ({ message, partition }) => {
      const parsed = parseBarMessage(message.value);
      if (!parsed.ok) {
        // Dies here, before the commit: the message is read again and its letter written again,
        // with the same key (topic/partition/offset), so a reader sees it is one letter.
        await options.deadLetter({
          topic,
          partition,
          offset: message.offset,
          timestampMs: Number(message.timestamp),
          signalIndex: null,
          reason: "invalid",
          error: parsed.error,
          key: message.key ?? null,
          payload: message.value ?? null,
        });
        metrics.invalid.inc();
        log.warn("Dead-lettered a message on {topic} ({partition}/{offset}): {error}", {
          topic,
          partition,
          offset: message.offset,
          error: parsed.error,
        });
        return;
      }
      try {
        const effects = await applyBar(sql, parsed.bar);
        metrics.bars.inc();
        for (const { exit } of effects) {
          if (!exit) continue;
          metrics.exits.inc({ reason: exit.order.exit_reason ?? "unknown" });
          log.info("Exit {reason} {ticker}: {side} {quantity} at {fill_price}", {
            reason: exit.order.exit_reason,
            ...exit.order,
          });
        }
      } catch (error) {
        log.warn("Cannot apply bar {ticker} {date}, retrying: {error}", {
          ...parsed.bar,
          error: errorMessage(error),
        });
        throw error;
      }
    },
  };
  const stopRestarts = await runWithRestarts(consumer, handlers, { log });
  if (!signal.aborted) {
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  }
  stopRestarts();
  await consumer.disconnect().catch(() => {});
}
