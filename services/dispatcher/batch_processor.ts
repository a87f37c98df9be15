/**
 * One batch, start to finish: plan in memory, claim and write the signal log in ONE statement,
 * XADD the claimed jobs, add the decision counters and announce the changes to the live pages
 * (three pipelined calls sent together), dead-letter the bad messages, then commit the offsets.
 * A burst whose matches would make one statement too large is planned and claimed in chunks of
 * bounded work, one after the other (plan.ts); the offsets wait for the last. Each stage is
 * retried with capped backoff while Postgres, Redis or Kafka is down and is never redone once it
 * succeeded, so a recovered outage loses nothing and doubles nothing; the offsets are committed
 * only after the jobs are on the stream.
 */
import type { Sql } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import type { Redis } from "../../shared/redis.ts";
import type { RedisNames } from "../../shared/names.ts";
import type { Logger } from "../../shared/logging.ts";
import {
  type ClaimedExecution,
  type ClaimRequest,
  claimStatement,
} from "../../shared/executions/claim.ts";
import { enqueueJobs } from "../../shared/executions/enqueue.ts";
import { retryWithBackoff } from "../../shared/backoff.ts";
import { type DeadLetter, deadLettersOf, poisonLetter } from "./dead_letter.ts";
import { isInputFault } from "../../shared/input_fault.ts";
import { type Isolated, isolateFaults } from "./isolate_faults.ts";
import { type ClaimUnit, claimUnits } from "./claim_units.ts";
import type { DecodedMessage } from "./decoded_message.ts";
import { recordDispatchStats } from "../../shared/dispatch_stats.ts";
import { announceChanges } from "../../shared/announce_changes.ts";
import type { DispatcherMetrics } from "./metrics.ts";
import type { PipelineIndex } from "./pipeline_index.ts";
import {
  type BatchPlan,
  byPipeline,
  type ChunkBounds,
  countClaims,
  planChunks,
  rejectionLogRow,
} from "./plan.ts";
import { logFires, resolveConfluence } from "./confluence_state.ts";
import { signalLogInsert, type SignalLogRow } from "../../shared/signal_log/signal_log_row.ts";
import { clearFailure, type Progress, reportFailure } from "./progress.ts";

/** Times a whole batch's claim fails with the same input fault before it is split. */
export const POISON_AFTER_FAILURES = 3;

/** Offsets to commit: the next offset to read, per topic and partition. */
export type CommitOffsets = { topic: string; partition: number; offset: string }[];

/** Options of {@linkcode createBatchProcessor}. */
export interface BatchProcessorOptions {
  sql: Sql;
  redis: Redis;
  names: Pick<
    RedisNames,
    | "jobsStream"
    | "dispatchStats"
    | "confluence"
    | "confluenceFired"
    | "executionChanges"
    | "signalLogChanges"
  >;
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
  /** Where the batch in flight, its failing stage and the last commit are reported. */
  progress: Progress;
  /** Work per claim statement; default plan.ts' CHUNK_BOUNDS (10 000 requests, 5 000 signals). */
  chunkBounds?: ChunkBounds;
}

/** The offsets after a batch: one past the highest offset per partition. */
export function offsetsToCommit(messages: readonly DecodedMessage[]): CommitOffsets {
  const highest = new Map<string, { topic: string; partition: number; offset: string }>();
  for (const m of messages) {
    const key = `${m.topic}\n${m.partition}`;
    const seen = highest.get(key);
    if (!seen || isGreaterOffset(m.offset, seen.offset)) {
      highest.set(key, { topic: m.topic, partition: m.partition, offset: m.offset });
    }
  }
  return [...highest.values()].map((o) => ({ ...o, offset: String(BigInt(o.offset) + 1n) }));
}

/** `a > b` for Kafka offsets (decimal, no leading zeros), without a BigInt per message. */
function isGreaterOffset(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}

/** Returns the function that processes one batch. */
export function createBatchProcessor(options: BatchProcessorOptions) {
  const { sql, redis, names, log, metrics, signal, progress } = options;
  /**
   * Runs a stage until it succeeds, retrying every failure with backoff. With `giveUpAfter`, the
   * same input fault (input_fault.ts) that many times in a row is thrown instead, for the caller
   * to isolate; any other failure is retried until it passes or the dispatcher stops.
   */
  const stage = async <T>(name: string, operation: () => Promise<T>, giveUpAfter = Infinity) => {
    let last = "";
    let repeats = 0;
    const run = {};
    const outcome = await retryWithBackoff(async () => {
      try {
        const value = await operation();
        metrics.stageFailures.set(0, { stage: name });
        return { value };
      } catch (error) {
        if (!isInputFault(error)) throw error;
        repeats = errorMessage(error) === last ? repeats + 1 : 1;
        last = errorMessage(error);
        if (repeats >= giveUpAfter) return { fault: error };
        throw error;
      }
    }, {
      signal,
      baseMs: options.retry?.baseMs ?? 200,
      maxMs: options.retry?.maxMs ?? 10_000,
      onRetry: (error, attempt, delayMs) => {
        metrics.retries.inc({ stage: name });
        metrics.stageFailures.set(attempt, { stage: name });
        reportFailure(progress, run, {
          stage: name,
          failures: attempt,
          error: errorMessage(error).slice(0, 500),
        });
        log.warn(
          "Batch stage {stage} failed (attempt {attempt}), retrying in {delayMs} ms: {error}",
          { stage: name, attempt, delayMs, error: errorMessage(error) },
        );
      },
    }).finally(() => clearFailure(progress, run));
    if ("fault" in outcome) throw outcome.fault;
    return outcome.value;
  };

  /** One claim statement, with the signal log rows riding in it, built but not sent yet. */
  const claimQuery = (requests: readonly ClaimRequest[], rows: readonly SignalLogRow[]) =>
    claimStatement(sql, requests, rows.length > 0 ? { alongside: signalLogInsert(sql, rows) } : {});

  /** Sends a claim statement (built by {@linkcode claimQuery}) and reads what it claimed. */
  const send = async (query: ReturnType<typeof claimQuery>): Promise<ClaimedExecution[]> => {
    metrics.dbStatements.inc({ statement: "claim" });
    return [...await query];
  };

  /**
   * The batch's claim and signal log, in one statement. When it fails POISON_AFTER_FAILURES times
   * in a row with the same input fault, it is split by signal (claim_units.ts, isolate_faults.ts)
   * until the signals that fail alone are found; those come back as faults, the rest is claimed.
   */
  const claim = async (
    messages: readonly DecodedMessage[],
    plan: BatchPlan,
    rows: SignalLogRow[],
    built: ReturnType<typeof claimQuery>,
  ): Promise<Isolated<ClaimUnit, ClaimedExecution>> => {
    try {
      // The first attempt sends the statement built ahead; a query runs once, so a retry builds
      // it again.
      let prepared: typeof built | null = built;
      const claimed = await stage("claim", () => {
        const query = prepared ?? claimQuery(plan.requests, rows);
        prepared = null;
        return send(query);
      }, POISON_AFTER_FAILURES);
      return { results: claimed, faults: [] };
    } catch (error) {
      if (signal.aborted || !isInputFault(error)) throw error;
      log.warn("Claim refused {attempts} times ({error}); looking for the signals that cause it", {
        attempts: POISON_AFTER_FAILURES,
        error: errorMessage(error),
      });
      return await isolateFaults(claimUnits(messages, plan, rows), {
        isInputFault,
        run: (units) =>
          stage("claim", () => {
            // A stable order keeps concurrent claims from taking row locks in opposite orders.
            const requests = units.flatMap((u) => u.requests).sort(byPipeline);
            return send(claimQuery(requests, units.flatMap((u) => u.log)));
          }, 1),
      });
    }
  };

  /**
   * The chunk's claim, built now (while the previous batch's claim may still be on the server)
   * and sent once that claim answered; nothing to send, nothing claimed.
   */
  const claimInTurn = async (
    messages: readonly DecodedMessage[],
    plan: BatchPlan,
    rows: SignalLogRow[],
    turn: Turn,
  ): Promise<Isolated<ClaimUnit, ClaimedExecution>> => {
    const built = plan.requests.length > 0 || rows.length > 0
      ? claimQuery(plan.requests, rows)
      : null;
    await turn.previousClaimed;
    return built ? await claim(messages, plan, rows, built) : { results: [], faults: [] };
  };

  /**
   * One chunk of a batch (plan.ts): confluence, the claim with the chunk's signal log rows, then
   * its jobs, counters and announcements, each in its turn (see processBatch). Signals the claim
   * refuses are added to `letters` and `poisoned` for the batch to dead-letter and log. Returns
   * how many executions it claimed.
   */
  const processChunk = async (
    messages: readonly DecodedMessage[],
    plan: BatchPlan,
    rows: SignalLogRow[],
    startedMs: number,
    failed: { letters: DeadLetter[]; poisoned: SignalLogRow[] },
    turn: Turn,
  ): Promise<number> => {
    if (plan.contributions.length > 0) {
      // Confluence state is written and decided before the claim, so a fire is claimed with its
      // chunk; redone on redelivery, it writes the same state and fires with the same id. The
      // previous batch decides its own first: its signals are older.
      await turn.previousClaimed;
      const fired = await stage(
        "confluence",
        () => resolveConfluence(redis, names, plan.contributions),
      );
      for (const { request, contribution } of fired) {
        plan.requests.push(request);
        plan.origins.set(request, contribution.origin);
        plan.matched.set(request.pipeline_id, (plan.matched.get(request.pipeline_id) ?? 0) + 1);
      }
      logFires(plan.log, fired);
      plan.requests.sort(byPipeline);
    }

    // Dies here (or anywhere before the commit): the batch is delivered again; the claim's unique
    // indexes refuse what it already created, and the sweep enqueues what it created but did not.
    const { results: claimed, faults } = await claimInTurn(messages, plan, rows, turn);
    if (plan.last) turn.claimed();
    for (const { item, error } of faults) {
      if (item.signal === null) {
        log.error("A signal log row of {topic}/{partition}@{offset} was refused: {error}", {
          topic: item.message.topic,
          partition: item.message.partition,
          offset: item.message.offset,
          error: errorMessage(error),
        });
        continue;
      }
      const letter = poisonLetter(item.message, item.index, item.signal, "claim", error);
      failed.letters.push(letter);
      failed.poisoned.push(rejectionLogRow(letter, item.message.receivedAtMs, startedMs));
      for (const r of item.requests) {
        plan.matched.set(r.pipeline_id, (plan.matched.get(r.pipeline_id) ?? 1) - 1);
      }
    }
    countClaims(plan, claimed);
    metrics.claims.inc({}, claimed.length);
    const totals = plan.stats.totals();
    for (const reason of ["filtered", "stale", "skipped_busy"] as const) {
      if (totals[reason] > 0) metrics.skips.inc({ reason }, totals[reason]);
    }

    // The jobs go on the stream in batch order: after the previous batch's.
    await turn.previousFinished;
    let enqueued = false;
    let recorded = false;
    let announced = false;
    // Dies here: the jobs not on the stream are swept later; counters and announcements of a
    // batch delivered again are sent again (counts are at-least-once, announcements idempotent).
    await stage("enqueue", async () => {
      const [jobs, stats, news] = await Promise.allSettled([
        enqueued
          ? null
          : enqueueJobs(redis, names, claimed, { maxLength: options.maxStreamLength }),
        recorded ? null : recordDispatchStats(redis, names, plan.stats),
        announced
          ? null
          : announceChanges(redis, names, claimed.map((c) => c.pipeline_id), rows.length > 0),
      ]);
      enqueued ||= jobs.status === "fulfilled";
      recorded ||= stats.status === "fulfilled";
      announced ||= news.status === "fulfilled";
      if (jobs.status === "rejected") throw jobs.reason;
      if (stats.status === "rejected") throw stats.reason;
      if (news.status === "rejected") throw news.reason;
    });
    metrics.jobsEnqueued.inc({ source: "claim" }, claimed.length);
    return claimed.length;
  };

  // The batch before the one starting now, and the start times of the batches in flight.
  let previous: { claimed: Promise<void>; finished: Promise<void> } | null = null;
  const inFlight: number[] = [];

  /**
   * Processes one batch. Two may be in flight (batch_buffer.ts): while one batch's claim is on
   * the server, the next plans and builds its own. They keep the order of one batch at a time:
   * a batch sends its claims after the previous batch's last claim answered (so an older signal
   * still takes a busy pipeline's slot first), and enqueues, dead-letters and commits after the
   * previous batch finished. A batch whose predecessor failed fails with the same error and
   * commits nothing.
   */
  return function processBatch(messages: DecodedMessage[]): Promise<void> {
    const claimed = Promise.withResolvers<void>();
    // Its failure is the batch's own (below); the next batch sees it through `finished` too.
    claimed.promise.catch(() => {});
    const turn: Turn = {
      previousClaimed: previous?.claimed ?? Promise.resolve(),
      previousFinished: previous?.finished ?? Promise.resolve(),
      claimed: claimed.resolve,
    };
    const finished = runBatch(messages, turn).catch((error) => {
      claimed.reject(error);
      throw error;
    });
    previous = { claimed: claimed.promise, finished };
    return finished;
  };

  async function runBatch(messages: DecodedMessage[], turn: Turn): Promise<void> {
    const startedMs = Date.now();
    inFlight.push(startedMs);
    progress.batchStartedMs = inFlight[0]!;
    const rejections: SignalLogRow[] = [];
    const failed = { letters: [] as DeadLetter[], poisoned: [] as SignalLogRow[] };
    for (const m of messages) {
      for (const letter of deadLettersOf(m)) {
        failed.letters.push(letter);
        rejections.push(rejectionLogRow(letter, m.receivedAtMs, startedMs));
      }
    }

    // One claim statement per chunk: one for any batch but a burst's (plan.ts, ChunkBounds).
    let signals = 0;
    let requests = 0;
    let claimed = 0;
    let first = true;
    const chunks = planChunks(messages, options.index(), startedMs, options.chunkBounds);
    for (const plan of chunks) {
      signals += plan.signals;
      requests += plan.requests.length;
      metrics.signalsConsumed.inc({}, plan.signals);
      const rows = first ? [...plan.log, ...rejections] : plan.log;
      first = false;
      const claimedNow = await processChunk(messages, plan, rows, startedMs, failed, turn);
      if (claimedNow > 0 && claimed === 0) {
        const firstReceivedMs = messages[0]?.receivedAtMs ?? startedMs;
        metrics.enqueueLatency.observe((Date.now() - firstReceivedMs) / 1000);
      }
      claimed += claimedNow;
    }

    const { letters, poisoned } = failed;
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
    // Dies here: letters already acknowledged are marked and not sent again (dead_letter.ts).
    await stage("dead_letter", () => options.deadLetter(letters));

    // Poisoned signals are logged as rejected: one more statement, only when there are some.
    if (poisoned.length > 0) {
      await stage("signal_log", () => {
        metrics.dbStatements.inc({ statement: "signal_log" });
        return signalLogInsert(sql, poisoned).then(() => {});
      });
    }

    await options.beforeCommit?.();
    await stage("commit", () => options.commit(offsetsToCommit(messages)));
    progress.lastCommitMs = Date.now();
    inFlight.splice(inFlight.indexOf(startedMs), 1);
    progress.batchStartedMs = inFlight[0] ?? null;
    metrics.batchSize.observe(signals + letters.length);
    metrics.batchDuration.observe((Date.now() - startedMs) / 1000);
    log.debug("Batch of {signals} signals: {requests} requests, {claimed} claimed", {
      signals,
      requests,
      claimed,
      bad: letters.length,
    });
  }
}

/** What a batch waits for, and tells the next one (see processBatch). */
interface Turn {
  /** Resolves when the previous batch's last claim answered; rejects if that batch failed. */
  previousClaimed: Promise<void>;
  /** Resolves when the previous batch committed; rejects if it failed. */
  previousFinished: Promise<void>;
  /** Called once this batch's last claim answered. */
  claimed: () => void;
}
