/**
 * Starting executions for a batch of deliveries, in ONE statement: a compare-and-set moves each
 * queued (and due) execution to running, and takes over a running one whose worker stopped
 * heartbeating when its entry was reclaimed. What each delivery then needs is decided by
 * {@linkcode decideDelivery}.
 */
import type { Sql } from "../../shared/db.ts";
import type { Execution } from "../../shared/schemas/execution.ts";

/** An execution as the batch start saw it (the state before the statement, plus its result). */
export interface DeliveredExecution extends Pick<Execution, "id" | "pipeline_id" | "trigger_kind"> {
  previous_status: Execution["status"];
  /** Whether this statement moved it to running for this worker. */
  started: boolean;
  /** Attempt number now (after the start), or attempts so far when not started. */
  attempts: number;
  max_attempts: number;
  /** Not due yet: a retry waiting for its backoff; the due time. */
  due_at: Date | null;
  /** Running with no heartbeat for longer than the visibility timeout. */
  stale: boolean;
  signal: unknown;
  error: string | null;
  pipeline_name: string;
  /** The pipeline's `account` field (null: its own account). */
  pipeline_account: string | null;
  owner_id: string;
  config: unknown;
}

/** Options of {@linkcode startExecutions}. */
export interface StartOptions {
  ids: readonly string[];
  /**
   * When each of `ids` was put on the stream (its job's `enqueued_at`, epoch ms), recorded as the
   * execution's `enqueued_at` when it has none (the latency page's claimed → enqueued stage); a
   * retry keeps its due time there. Default: none recorded.
   */
  enqueuedAtMs?: readonly number[];
  /** Ids whose entry came from XAUTOCLAIM: only these may be taken over when stale. */
  reclaimedIds: readonly string[];
  workerId: string;
  visibilityTimeoutSeconds: number;
}

/** Starts what may start; returns every execution of `ids` that still exists. */
export async function startExecutions(sql: Sql, o: StartOptions): Promise<DeliveredExecution[]> {
  if (o.ids.length === 0) return [];
  // $1: execution ids, $2: reclaimed ids, $3: worker id, $4: visibility timeout (s),
  // $5: enqueue times (epoch ms) in the order of $1.
  // The outer select reads the rows as they were before the update (one snapshot). The status
  // test is a CASE so that the primary key is the only index the planner can use: with a plain
  // `status = 'queued' or …` and stale statistics (a burst into a quiet table) it walked every
  // queued row through the partial index, 20 to 70 ms per statement at 20 000 queued.
  const rows = await sql<DeliveredExecution[]>`
    with started as (
      update pipeline_executions e
      set status = 'running', attempts = e.attempts + 1, started_at = now(),
          heartbeat_at = now(), worker_id = ${o.workerId}, finished_at = null,
          enqueued_at = coalesce(e.enqueued_at, to_timestamp(
            (${(o.enqueuedAtMs ?? []) as number[]}::float8[])[
              array_position(${o.ids as string[]}::uuid[], e.id)] / 1000))
      where e.id = any(${o.ids as string[]}::uuid[]) and e.attempts < e.max_attempts
        and case e.status
          when 'queued' then e.enqueued_at is null or e.enqueued_at <= now()
          when 'running' then e.id = any(${o.reclaimedIds as string[]}::uuid[])
            and coalesce(e.heartbeat_at, e.started_at, e.queued_at)
              < now() - make_interval(secs => ${o.visibilityTimeoutSeconds})
          else false end
      returning e.id, e.attempts
    )
    select e.id, e.pipeline_id, e.status as previous_status, s.id is not null as started,
           coalesce(s.attempts, e.attempts) as attempts, e.max_attempts,
           case when e.status = 'queued' and e.enqueued_at > now() then e.enqueued_at end as due_at,
           (e.status = 'running' and coalesce(e.heartbeat_at, e.started_at, e.queued_at)
             < now() - make_interval(secs => ${o.visibilityTimeoutSeconds})) as stale,
           e.trigger_kind, e.signal, e.error, p.name as pipeline_name, p.owner_id, p.config,
           p.account as pipeline_account
    from pipeline_executions e
    join pipelines p on p.id = e.pipeline_id
    left join started s on s.id = e.id
    where e.id = any(${o.ids as string[]}::uuid[])`;
  return [...rows];
}

/** What to do with one delivery. */
export type Delivery =
  /** Run it: this worker owns the execution now. */
  | "run"
  /** Acknowledge without running: finished, running elsewhere, gone, or a duplicate. */
  | "ack"
  /** A retry delivered before its time: acknowledge and put it back on the retry schedule. */
  | "reschedule"
  /** Out of attempts: mark failed, dead-letter, acknowledge. */
  | "exhausted"
  /** Reclaimed while its worker still heartbeats: leave it pending for that worker to ack. */
  | "leave";

/**
 * Decides a delivery from the batch start's view of its execution (`undefined`: it no longer
 * exists); `duplicate` when an earlier entry of the same batch had the same execution.
 */
export function decideDelivery(
  execution: DeliveredExecution | undefined,
  reclaimed: boolean,
  duplicate: boolean,
): Delivery {
  if (!execution) return "ack";
  if (execution.started) return duplicate ? "ack" : "run";
  const { previous_status: status } = execution;
  const outOfAttempts = execution.attempts >= execution.max_attempts;
  if (status === "queued") {
    if (outOfAttempts) return "exhausted";
    return execution.due_at ? "reschedule" : "ack";
  }
  if (status === "running" && reclaimed) {
    if (!execution.stale) return "leave";
    return outOfAttempts ? "exhausted" : "leave";
  }
  return "ack";
}
