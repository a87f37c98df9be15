/**
 * One batch, start to finish: plan in memory, dead-letter the bad messages, claim and write the
 * signal log in ONE statement, XADD the claimed jobs and add the decision counters (two pipelined calls sent
 * together), then commit the offsets. Each stage is retried with capped backoff while Postgres,
 * Redis or Kafka is down and is never redone once it succeeded, so a recovered outage loses
 * nothing and doubles nothing; the offsets are committed only after the jobs are on the stream.
 */
import type { Sql } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import type { Redis } from "../../shared/redis.ts";
import type { RedisNames } from "../../shared/names.ts";
import type { Logger } from "../../shared/logging.ts";
import { type ClaimedExecution, claimExecutions } from "../../shared/executions/claim.ts";
import { enqueueJobs } from "../../shared/executions/enqueue.ts";
import { retryWithBackoff } from "../../shared/backoff.ts";
import { type DeadLetter, deadLettersOf } from "./dead_letter.ts";
import type { DecodedMessage } from "./decoded_message.ts";
import { recordDispatchStats } from "../../shared/dispatch_stats.ts";
import { dispatchStatsFieldParts } from "../../shared/redis_codec.ts";
import type { DispatcherMetrics } from "./metrics.ts";
import type { PipelineIndex } from "./pipeline_index.ts";
import { countClaims, planBatch, rejectionLogRow } from "./plan.ts";
import { signalLogInsert } from "../../shared/signal_log/signal_log_row.ts";

/** Offsets to commit: the next offset to read, per topic and partition. */
export type CommitOffsets = { topic: string; partition: number; offset: string }[];

/** Options of {@linkcode createBatchProcessor}. */
export interface BatchProcessorOptions {
  sql: Sql;
  redis: Redis;
  names: Pick<RedisNames, "jobsStream" | "dispatchStats">;
  log: Logger;
  metrics: DispatcherMetrics;
  index: () => PipelineIndex;
  /** Writes letters idempotently (see dead_letter.ts); called again with the same on retry. */
  deadLetter: (letters: readonly DeadLetter[]) => Promise<void>;
  commit: (offsets: CommitOffsets) => Promise<void>;
  /** Stream bound (JOBS_STREAM_MAX_LENGTH). */
  maxStreamLength: number;
  /** Aborting ends the retries; the batch stays uncommitted and is delivered again. */
  signal: AbortSignal;
  /** Backoff bounds; default 200 ms … 10 s. */
  retry?: { baseMs: number; maxMs: number };
  /** Test hook run after the enqueue and before the commit. */
  beforeCommit?: () => Promise<void>;
}

/** The offsets after a batch: one past the highest offset per partition. */
export function offsetsToCommit(messages: readonly DecodedMessage[]): CommitOffsets {
  const next = new Map<string, { topic: string; partition: number; offset: bigint }>();
  for (const m of messages) {
    const key = `${m.topic}\n${m.partition}`;
    const offset = BigInt(m.offset) + 1n;
    const seen = next.get(key);
    if (!seen || seen.offset < offset) {
      next.set(key, { topic: m.topic, partition: m.partition, offset });
    }
  }
  return [...next.values()].map((o) => ({ ...o, offset: String(o.offset) }));
}

/** Returns the function that processes one batch. */
export function createBatchProcessor(options: BatchProcessorOptions) {
  const { sql, redis, names, log, metrics, signal } = options;
  const stage = <T>(name: string, operation: () => Promise<T>) =>
    retryWithBackoff(operation, {
      signal,
      baseMs: options.retry?.baseMs ?? 200,
      maxMs: options.retry?.maxMs ?? 10_000,
      onRetry: (error, attempt, delayMs) => {
        metrics.retries.inc({ stage: name });
        log.warn(
          "Batch stage {stage} failed (attempt {attempt}), retrying in {delayMs} ms: {error}",
          {
            stage: name,
            attempt,
            delayMs,
            error: errorMessage(error),
          },
        );
      },
    });

  return async function processBatch(messages: DecodedMessage[]): Promise<void> {
    const startedMs = Date.now();
    const plan = planBatch(messages, options.index(), startedMs);
    metrics.signalsConsumed.inc({}, plan.signals);
    const letters: DeadLetter[] = [];
    for (const m of messages) {
      for (const letter of deadLettersOf(m)) {
        letters.push(letter);
        plan.log.push(rejectionLogRow(letter, m.receivedAtMs, startedMs));
      }
    }
    for (const letter of letters) {
      metrics.badMessages.inc({ reason: letter.reason });
      log.warn(
        "Bad {what} at {topic}/{partition}@{offset} sent to the dead-letter topic: {error}",
        {
          what: letter.signalIndex === null ? "message" : `signal #${letter.signalIndex}`,
          topic: letter.topic,
          partition: letter.partition,
          offset: letter.offset,
          reason: letter.reason,
          error: letter.error,
        },
      );
    }
    await stage("dead_letter", () => options.deadLetter(letters));

    // The signal log rides in the claim statement: still one statement per batch.
    let claimed: ClaimedExecution[] = [];
    if (plan.requests.length > 0 || plan.log.length > 0) {
      claimed = await stage("claim", () => {
        metrics.dbStatements.inc({ statement: "claim" });
        return claimExecutions(sql, plan.requests, {
          alongside: signalLogInsert(sql, plan.log),
        });
      });
    }
    countClaims(plan, claimed);
    metrics.claims.inc({}, claimed.length);
    for (const [field, by] of plan.stats.fields()) {
      const { reason } = dispatchStatsFieldParts(field);
      if (reason === "filtered" || reason === "stale" || reason === "skipped_busy") {
        metrics.skips.inc({ reason }, by);
      }
    }

    let enqueued = false;
    let recorded = false;
    await stage("enqueue", async () => {
      const [jobs, stats] = await Promise.allSettled([
        enqueued
          ? null
          : enqueueJobs(redis, names, claimed, { maxLength: options.maxStreamLength }),
        recorded ? null : recordDispatchStats(redis, names, plan.stats),
      ]);
      enqueued ||= jobs.status === "fulfilled";
      recorded ||= stats.status === "fulfilled";
      if (jobs.status === "rejected") throw jobs.reason;
      if (stats.status === "rejected") throw stats.reason;
    });
    const enqueuedMs = Date.now();
    metrics.jobsEnqueued.inc({ source: "claim" }, claimed.length);
    const firstReceivedMs = messages[0]?.receivedAtMs ?? startedMs;
    if (claimed.length > 0) metrics.enqueueLatency.observe((enqueuedMs - firstReceivedMs) / 1000);

    await options.beforeCommit?.();
    await stage("commit", () => options.commit(offsetsToCommit(messages)));
    metrics.batchSize.observe(plan.signals + letters.length);
    metrics.batchDuration.observe((Date.now() - startedMs) / 1000);
    log.debug("Batch of {signals} signals: {requests} requests, {claimed} claimed", {
      signals: plan.signals,
      requests: plan.requests.length,
      claimed: claimed.length,
      bad: letters.length,
    });
  };
}
