/**
 * Recording a run's outcome, as a compare-and-set on the owner: only the worker that holds the
 * execution (status running, its worker_id) can finish it, so a run that was taken over by another
 * worker after its heartbeat went stale can never overwrite the new owner's result.
 */
import type { Sql } from "../../shared/db.ts";
import type { RunResult, StepRecord } from "./run_pipeline.ts";

/** What to write: a final status, or back to queued for a retry due at `retryAt`. */
export type Completion =
  | {
    status: "succeeded" | "skipped" | "failed";
    steps: readonly StepRecord[];
    result: RunResult | null;
    error: string | null;
  }
  | { status: "queued"; steps: readonly StepRecord[]; error: string; retryAt: Date };

/** Writes the completion; false when this worker no longer owns the execution. */
export async function finishExecution(
  sql: Sql,
  id: string,
  workerId: string,
  c: Completion,
): Promise<boolean> {
  const retryAt = c.status === "queued" ? c.retryAt : null;
  const result = c.status === "queued" || c.result === null ? null : sql.json(c.result as never);
  // A retry keeps its active_slot (the pipeline stays busy) and is due at enqueued_at, which the
  // dispatcher's sweep reads as "on the stream since", so a waiting retry never looks lost.
  const rows = await sql`
    update pipeline_executions set
      status = ${c.status}::execution_status,
      steps = ${sql.json(c.steps as never)},
      result = ${result},
      error = ${c.error},
      enqueued_at = coalesce(${retryAt}::timestamptz, enqueued_at),
      heartbeat_at = case when ${retryAt}::timestamptz is null then now() end,
      finished_at = case when ${retryAt}::timestamptz is null then now() end
    where id = ${id} and worker_id = ${workerId} and status = 'running'
    returning id`;
  return rows.length === 1;
}

/**
 * Fails an execution that ran out of attempts, unless someone else owns it live; returns whether
 * it was failed here. `staleBeforeSeconds`: a running one counts as abandoned past this age.
 */
export async function failExhausted(
  sql: Sql,
  id: string,
  reason: string,
  staleBeforeSeconds: number,
): Promise<boolean> {
  const rows = await sql`
    update pipeline_executions set status = 'failed', error = ${reason}, finished_at = now()
    where id = ${id} and (status = 'queued' or (status = 'running'
      and coalesce(heartbeat_at, started_at, queued_at)
        < now() - make_interval(secs => ${staleBeforeSeconds})))
    returning id`;
  return rows.length === 1;
}
