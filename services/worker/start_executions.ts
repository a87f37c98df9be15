/**
 * Starting executions for a batch of deliveries, in ONE statement: a compare-and-set moves each
 * queued (and due) execution to running, and takes over a running one whose worker stopped
 * heartbeating when its entry was reclaimed. What each delivery then needs is decided by
 * {@linkcode decideDelivery}.
 */
import type { Sql } from "../../shared/db.ts";
import type { Execution } from "../../shared/schemas/execution.ts";
import { runExecutionRound } from "./execution_round.ts";

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

/** Starts what may start, in ONE statement; returns every execution of `ids` that still exists. */
export async function startExecutions(sql: Sql, o: StartOptions): Promise<DeliveredExecution[]> {
  return (await runExecutionRound(sql, o, [])).executions;
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
