/**
 * Recording a run's outcome, as a compare-and-set on the owner: only the worker that holds the
 * execution (status running, its worker_id) can finish it, so a run that was taken over by another
 * worker after its heartbeat went stale can never overwrite the new owner's result.
 */
import type { Sql } from "../../shared/db.ts";
import type { FinalStatus } from "../../shared/schemas/execution.ts";
import type { RunResult, StepRecord } from "./run_pipeline.ts";
import { toStorableJson } from "../../shared/schemas/storable_text.ts";

/** What to write: a final status, or back to queued for a retry due at `retryAt`. */
export type Completion =
  | {
    status: FinalStatus;
    steps: readonly StepRecord[];
    result: RunResult | null;
    error: string | null;
  }
  | { status: "queued"; steps: readonly StepRecord[]; error: string; retryAt: Date };

/** One run's outcome to record. */
export interface Finish {
  id: string;
  workerId: string;
  completion: Completion;
}

/**
 * Writes many completions in ONE statement (the worker's group commit); for each, false when
 * that worker no longer owns the execution.
 */
export async function finishExecutions(sql: Sql, finishes: readonly Finish[]): Promise<boolean[]> {
  if (finishes.length === 0) return [];
  // Outputs and errors come from outside (a webhook's answer): unstorable text would fail this
  // statement on every retry and hold the run forever, so it is replaced, not refused.
  const rows = finishes.map(({ id, workerId, completion: c }) =>
    toStorableJson({
      id,
      worker_id: workerId,
      status: c.status,
      steps: c.steps,
      result: c.status === "queued" ? null : storedResult(c.result),
      error: c.error,
      retry_at: c.status === "queued" ? c.retryAt.toISOString() : null,
    })
  );
  // $1: jsonb array of {id, worker_id, status, steps, result, error, retry_at}. A retry keeps its
  // active_slot (the pipeline stays busy) and is due at enqueued_at, which the dispatcher's sweep
  // reads as "on the stream since", so a waiting retry never looks lost.
  const owned = await sql<{ id: string }[]>`
    update pipeline_executions e set
      status = c.status::execution_status,
      steps = c.steps,
      result = c.result,
      error = c.error,
      enqueued_at = coalesce(c.retry_at, e.enqueued_at),
      heartbeat_at = case when c.retry_at is null then now() end,
      finished_at = case when c.retry_at is null then now() end
    from jsonb_to_recordset(${sql.json(rows as never)}::jsonb) as c(
      id uuid, worker_id text, status text, steps jsonb, result jsonb, error text,
      retry_at timestamptz)
    where e.id = c.id and e.worker_id = c.worker_id and e.status = 'running'
    returning e.id`;
  const ids = new Set(owned.map((r) => r.id));
  return finishes.map((f) => ids.has(f.id));
}

/** An execution out of attempts to fail, and why. */
export interface Exhausted {
  id: string;
  reason: string;
}

/**
 * Fails executions that ran out of attempts in ONE statement, each unless someone else owns it
 * live; returns, for each, whether it was failed here. `staleBeforeSeconds`: a running one counts
 * as abandoned past this age.
 */
export async function failExhaustedExecutions(
  sql: Sql,
  exhausted: readonly Exhausted[],
  staleBeforeSeconds: number,
): Promise<boolean[]> {
  if (exhausted.length === 0) return [];
  // $1: jsonb array of {id, reason}, $2: seconds after which a running execution is abandoned.
  const rows = await sql<{ id: string }[]>`
    update pipeline_executions e set status = 'failed', error = x.reason, finished_at = now()
    from jsonb_to_recordset(${sql.json(exhausted as never)}::jsonb) as x(id uuid, reason text)
    where e.id = x.id and (e.status = 'queued' or (e.status = 'running'
      and coalesce(e.heartbeat_at, e.started_at, e.queued_at)
        < now() - make_interval(secs => ${staleBeforeSeconds})))
    returning e.id`;
  const failed = new Set(rows.map((r) => r.id));
  return exhausted.map((x) => failed.has(x.id));
}

/**
 * What `result` keeps: the halt, if any. Each step's output is already in `steps`, so keeping the
 * engine's `outputs` too would store every output twice.
 */
export function storedResult(result: RunResult | null): Omit<RunResult, "outputs"> | null {
  if (result === null) return null;
  const { outputs: _, ...rest } = result;
  return Object.keys(rest).length > 0 ? rest : null;
}
