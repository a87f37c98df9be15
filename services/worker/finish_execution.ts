/**
 * Recording a run's outcome, as a compare-and-set on the owner: only the worker that holds the
 * execution (status running, its worker_id) can finish it, so a run that was taken over by another
 * worker after its heartbeat went stale can never overwrite the new owner's result.
 */
import { arrayLiteral } from "../../shared/array_literal.ts";
import type { Sql } from "../../shared/db.ts";
import type { FinalStatus } from "../../shared/schemas/execution.ts";
import type { RunResult, StepRecord } from "./run_pipeline.ts";
import { runExecutionRound } from "./execution_round.ts";

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
 * Writes many completions in ONE statement (a round with no starts); for each, false when that
 * worker no longer owns the execution.
 */
export async function finishExecutions(sql: Sql, finishes: readonly Finish[]): Promise<boolean[]> {
  return (await runExecutionRound(sql, null, finishes)).owned;
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
  // $1: jsonb array of {id, reason}, $2: their ids (so the primary key finds the rows, see
  // execution_round.ts), $3: seconds after which a running execution is abandoned.
  const ids = arrayLiteral(exhausted.map((x) => x.id));
  const rows = await sql<{ id: string }[]>`
    update pipeline_executions e set status = 'failed', error = x.reason, finished_at = now()
    from jsonb_to_recordset(${sql.json(exhausted as never)}::jsonb) as x(id uuid, reason text)
    where e.id = any(${ids}::uuid[]) and e.id = x.id and (e.status = 'queued' or (e.status = 'running'
      and coalesce(e.heartbeat_at, e.started_at, e.queued_at)
        < now() - make_interval(secs => ${staleBeforeSeconds})))
    returning e.id`;
  const failed = new Set(rows.map((r) => r.id));
  return exhausted.map((x) => failed.has(x.id));
}
