/**
 * The claim rule shared by the dispatcher, the scheduler and the API's manual run: one statement
 * creates executions for the requested pipelines that may start, honouring `overlap_policy`, and
 * returns them. The database's unique indexes decide, not any cache:
 * - `(pipeline_id, active_slot)` among queued/running rows: one active run for `skip`, one more
 *   queued behind it for `buffer_one`, no guard for `allow`;
 * - `(pipeline_id, signal_id)`: a signal (or tick) delivered again never runs a pipeline twice.
 */
import type postgres from "postgres";
import type { Queryable } from "../db.ts";
import type { Execution } from "../schemas/execution.ts";

/** One pipeline that a signal, tick or user wants to run (timestamps may be ISO strings). */
export type ClaimRequest =
  & Pick<Execution, "pipeline_id" | "trigger_kind" | "signal_id" | "signal">
  & {
    signal_emitted_at: Date | string | null;
    received_at: Date | string | null;
  };

/** An execution the claim created; it must now be enqueued. */
export type ClaimedExecution = Pick<Execution, "id" | "pipeline_id" | "trigger_kind" | "signal_id">;

/** Options of {@linkcode claimExecutions}. */
export interface ClaimOptions {
  /**
   * A data-modifying statement run inside the claim statement (as a CTE, same transaction and
   * same now()), such as the dispatcher's signal log insert; it runs even with no requests.
   */
  alongside?: postgres.PendingQuery<postgres.Row[]>;
}

/**
 * Claims in ONE statement; requests whose pipeline is busy, inactive, gone, or already ran for
 * that signal_id are skipped (not returned).
 */
export async function claimExecutions(
  sql: Queryable,
  requests: readonly ClaimRequest[],
  options: ClaimOptions = {},
): Promise<ClaimedExecution[]> {
  if (requests.length === 0 && !options.alongside) return [];
  // $1: jsonb array of ClaimRequest. A buffer_one pipeline takes its lowest free slot (0, 1);
  // two requests racing for one slot both try it and the unique index keeps one.
  const rows = await sql<ClaimedExecution[]>`
    with ${options.alongside ? sql`alongside as (${options.alongside}),` : sql``} req as (
      select r.* from jsonb_to_recordset(${sql.json(requests as never)}::jsonb) as r(
        pipeline_id uuid, trigger_kind trigger_kind, signal_id text, signal jsonb,
        signal_emitted_at timestamptz, received_at timestamptz)
    ), slotted as (
      select req.*, p.max_attempts, p.overlap_policy,
        case p.overlap_policy
          when 'allow' then null
          when 'skip' then 0
          else (select min(s.n) from (values (0), (1)) as s(n)
                where not exists (
                  select 1 from pipeline_executions e
                  where e.pipeline_id = p.id and e.active_slot = s.n
                    and e.status in ('queued', 'running')))
        end as slot
      from req join pipelines p on p.id = req.pipeline_id and p.is_active
    )
    insert into pipeline_executions
      (pipeline_id, trigger_kind, active_slot, signal_id, signal, max_attempts,
       signal_emitted_at, received_at)
    select pipeline_id, trigger_kind, slot, signal_id, signal, max_attempts,
           signal_emitted_at, received_at
    from slotted
    where overlap_policy = 'allow' or slot is not null
    on conflict do nothing
    returning id, pipeline_id, trigger_kind, signal_id`;
  return [...rows];
}
