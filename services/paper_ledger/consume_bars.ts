/**
 * The paper ledger's bar consumer: each daily bar on the bar topic goes to {@linkcode applyBar}
 * (protective exits, then the equity marks of the accounts holding the ticker). A bar is
 * committed only once applied. When Postgres fails, the bar is tried again in place, backing off
 * to APPLY_RETRY_MAX_MS and heartbeating so that the group keeps the partition, and /readyz names
 * the failure meanwhile. A bar applied twice (read again after a crash or a rebalance) books
 * nothing twice, because each position remembers the last bar it checked. A message that is not a bar, or a bar whose own data
 * Postgres refuses, is dead-lettered (the dispatcher's letter format, keyed by the original's
 * coordinates) before it is committed, so it is never silently dropped and never stalls the
 * partition; while the dead-letter topic cannot be written, the message is retried.
 */
import type { ConsumerRunConfig, Kafka } from "kafkajs";
import { GROUP_MEMBERSHIP } from "../../shared/kafka.ts";
import { runWithRestarts } from "../../shared/kafka_consumer_restart.ts";
import { startNewGroupAtEnd } from "../../shared/kafka_group_start.ts";
import type { Sql } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import { isInputFault } from "../../shared/input_fault.ts";
import { sleep } from "../../shared/sleep.ts";
import { applyBar } from "../../shared/ledger/apply_bar.ts";
import type { Bar } from "../../shared/market/bar.ts";
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
  /**
   * Called with the error when a bar cannot be applied (Postgres away), and with null once bars
   * apply again; the service's readiness follows it.
   */
  onApplyFailing?: (error: string | null) => void;
}

/**
 * Longest wait between two tries of a bar that cannot be applied. Before, the bar's error went to
 * kafkajs, whose retries back off to several seconds without heartbeating: after a 15 s Postgres
 * outage the ledger applied bars again 12.2 s after Postgres was back (chaos, "paper ledger
 * Postgres outage"), having lost its group membership on the way.
 */
const APPLY_RETRY_MAX_MS = 2000;

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
  const onApplyFailing = options.onApplyFailing ?? (() => {});
  consumer.on(consumer.events.GROUP_JOIN, () => membership(true));
  consumer.on(consumer.events.CRASH, () => membership(false));
  consumer.on(consumer.events.STOP, () => membership(false));
  await consumer.connect();
  // A new group starts at the topic's end, committed before it joins, so a ledger that stops
  // before its first commit skips no bar (kafka_group_start.ts).
  if (!options.fromBeginning) await startNewGroupAtEnd(kafka, options.groupId, topic);
  await consumer.subscribe({ topic, fromBeginning: true });
  const handlers: ConsumerRunConfig = {
    eachMessage: async ({ message, partition, heartbeat }) => {
      // Dies before the commit: the message is read again and its letter written again, with the
      // same key (topic/partition/offset), so a reader sees it is one letter.
      const deadLetter = async (reason: string, error: string) => {
        await options.deadLetter({
          topic,
          partition,
          offset: message.offset,
          timestampMs: Number(message.timestamp),
          signalIndex: null,
          reason,
          error,
          key: message.key ?? null,
          payload: message.value ?? null,
        });
        metrics.invalid.inc();
        log.warn("Dead-lettered a message on {topic} ({partition}/{offset}): {error}", {
          topic,
          partition,
          offset: message.offset,
          error,
        });
      };
      const parsed = parseBarMessage(message.value);
      if (!parsed.ok) return await deadLetter("invalid", parsed.error);
      const applied = await applyUntilDone(parsed.bar, heartbeat);
      if ("fault" in applied) return await deadLetter("unapplicable", applied.fault);
      metrics.bars.inc();
      for (const { exit } of applied.effects) {
        if (!exit) continue;
        metrics.exits.inc({ reason: exit.order.exit_reason ?? "unknown" });
        log.info("Exit {reason} {ticker}: {side} {quantity} at {fill_price}", {
          reason: exit.order.exit_reason,
          ...exit.order,
        });
      }
    },
  };

  /**
   * Applies `bar`, trying again while it fails with an outage. A failure the bar's own data
   * causes (isInputFault: a value Postgres cannot store, a constraint) would fail every time and
   * hold its partition: it is returned as a `fault`, for the dead-letter topic. Dies here: nothing
   * of the bar is committed, and the next ledger reads it again. Stopping (`signal`) or a
   * rebalance (`heartbeat` throws) ends the tries with the error, and the bar is read again by
   * whoever has its partition next.
   */
  async function applyUntilDone(
    bar: Bar,
    heartbeat: () => Promise<void>,
  ): Promise<{ effects: Awaited<ReturnType<typeof applyBar>> } | { fault: string }> {
    // Heartbeats go on while the bar is tried, also during a query Postgres leaves hanging (seen
    // in the chaos outage: a query waited out the whole outage, the session of 6 s lapsed, and
    // the ledger had to rejoin its group before it applied anything). A failed heartbeat (a
    // rebalance) ends the tries: the bar is read again by whoever has the partition next.
    let lost: unknown = null;
    const beat = setInterval(
      () => heartbeat().catch((error) => lost ??= error),
      GROUP_MEMBERSHIP.heartbeatInterval,
    );
    try {
      let failingSince: number | null = null;
      for (let attempt = 0;; attempt++) {
        try {
          const effects = await applyBar(sql, bar);
          if (failingSince !== null) {
            log.info("Applying bars again after {seconds} s", {
              seconds: Math.round((Date.now() - failingSince) / 100) / 10,
            });
            onApplyFailing(null);
          }
          return { effects };
        } catch (error) {
          if (signal.aborted) throw error;
          if (isInputFault(error)) {
            if (failingSince !== null) onApplyFailing(null);
            return { fault: errorMessage(error) };
          }
          if (failingSince === null) {
            failingSince = Date.now();
            log.warn("Cannot apply bar {ticker} {date}, trying again: {error}", {
              ...bar,
              error: errorMessage(error),
            });
            onApplyFailing(errorMessage(error));
          }
          await sleep(Math.min(APPLY_RETRY_MAX_MS, 100 * 2 ** attempt), signal);
          if (lost !== null) throw lost;
        }
      }
    } finally {
      clearInterval(beat);
    }
  }
  const stopRestarts = await runWithRestarts(consumer, handlers, { log });
  if (!signal.aborted) {
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  }
  stopRestarts();
  await consumer.disconnect().catch(() => {});
}
