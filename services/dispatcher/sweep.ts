/**
 * The sweep: an execution claimed but never put on the stream (a crash between claim and XADD,
 * or an entry trimmed away) is found by age and enqueued again; one whose entry the stream lost
 * (deleted, trimmed) is found at once by stream_repair.ts. A duplicate stream entry is
 * harmless: the worker's queued→running compare-and-set runs an execution once.
 *
 * It also requeues an execution left `running` by a worker that stopped heartbeating long after
 * XAUTOCLAIM should have reclaimed it (its stream entry was trimmed or deleted): otherwise its
 * active slot would block the pipeline forever. The worker's compare-and-set then runs it again,
 * or fails it as exhausted, and only the current owner can record an outcome.
 */
import type { Sql } from "../../shared/db.ts";
import { sleep } from "../../shared/sleep.ts";
import type { Redis } from "../../shared/redis.ts";
import type { RedisNames } from "../../shared/names.ts";
import { enqueueJobs } from "../../shared/executions/enqueue.ts";
import { announceChanges } from "../../shared/announce_changes.ts";
import { findLostJobs } from "./stream_repair.ts";

/** The stream the sweep fills and the channels on which it announces the runs it requeues. */
type SweepNames = Pick<
  RedisNames,
  "jobsStream" | "workersGroup" | "executionChanges" | "signalLogChanges"
>;

/** Options of {@linkcode sweepQueued}. */
export interface SweepOptions {
  /** Re-enqueue executions queued (or last swept) longer ago than this (SWEEP_MIN_AGE_SECONDS). */
  minAgeSeconds: number;
  /** Most rows per sweep; default 2000. */
  limit?: number;
  /** Stream bound (JOBS_STREAM_MAX_LENGTH). */
  maxLength: number;
  /**
   * Requeue executions running with no heartbeat for this long; default: never. The dispatcher
   * uses 2 × WORKER_VISIBILITY_TIMEOUT_SECONDS + SWEEP_MIN_AGE_SECONDS.
   */
  abandonedAfterSeconds?: number;
}

/**
 * Marks old queued executions as swept and XADDs them; returns how many. `skip locked` keeps
 * two dispatchers from sweeping the same rows at once.
 */
export async function sweepQueued(
  sql: Sql,
  redis: Redis,
  names: SweepNames,
  options: SweepOptions,
): Promise<number> {
  const abandoned = options.abandonedAfterSeconds === undefined
    ? []
    : await requeueAbandoned(sql, options.abandonedAfterSeconds, options.limit ?? 2000);
  // The dispatcher's connection does not NOTIFY (migrations 0025, 0028): the live pages hear of a
  // requeued run here. Dies here: the page shows it running until its next change.
  await announceChanges(redis, names, abandoned.map((a) => a.pipeline_id), false);
  const lost = await findLostJobs(sql, redis, names, options.limit ?? 2000);
  // $1: minimum age in seconds; $2: row limit.
  const rows = await sql<{ id: string; pipeline_id: string }[]>`
    with due as (
      select id from pipeline_executions
      where finished_at is null and status = 'queued'
        and coalesce(enqueued_at, queued_at) < now() - make_interval(secs => ${options.minAgeSeconds})
      order by queued_at
      limit ${options.limit ?? 2000}
      for update skip locked
    )
    update pipeline_executions e set enqueued_at = now()
    from due where e.id = due.id
    returning e.id, e.pipeline_id`;
  // Dies here: the rows are marked but not on the stream; the age rule sends them later.
  const jobs = [...abandoned, ...lost, ...rows];
  await enqueueJobs(redis, names, jobs, { maxLength: options.maxLength });
  return jobs.length;
}

async function requeueAbandoned(sql: Sql, afterSeconds: number, limit: number) {
  // $1: seconds without a heartbeat; $2: row limit. enqueued_at = now() keeps the queued sweep
  // from sending it twice; the active slot is kept, so the overlap guard still holds.
  return await sql<{ id: string; pipeline_id: string }[]>`
    with abandoned as (
      select id from pipeline_executions
      where finished_at is null and status = 'running'
        and coalesce(heartbeat_at, started_at, queued_at)
          < now() - make_interval(secs => ${afterSeconds})
      order by queued_at
      limit ${limit}
      for update skip locked
    )
    update pipeline_executions e
    set status = 'queued', worker_id = null, enqueued_at = now()
    from abandoned where e.id = abandoned.id
    returning e.id, e.pipeline_id`;
}

/** Options of {@linkcode runSweepLoop}. */
export interface SweepLoopOptions extends SweepOptions {
  sql: Sql;
  redis: Redis;
  names: SweepNames;
  intervalMs: number;
  signal: AbortSignal;
  /** Called after each sweep with the count, or the error (the loop goes on). */
  onSweep: (result: { swept: number } | { error: unknown }) => void;
}

/** Sweeps every `intervalMs` until `signal` aborts. */
export async function runSweepLoop(options: SweepLoopOptions): Promise<void> {
  const { signal, intervalMs } = options;
  while (!signal.aborted) {
    await sleep(intervalMs, signal);
    if (signal.aborted) return;
    try {
      options.onSweep({
        swept: await sweepQueued(options.sql, options.redis, options.names, options),
      });
    } catch (error) {
      options.onSweep({ error });
    }
  }
}
