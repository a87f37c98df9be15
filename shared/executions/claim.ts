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
import { arrayLiteral } from "../array_literal.ts";
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

/** The requests as one array per column; each distinct signal once, which requests point into. */
function claimColumns(requests: readonly ClaimRequest[]) {
  const signals: unknown[] = [];
  const signalNo = new Map<object, number>();
  const iso = (t: Date | string | null) => t instanceof Date ? t.toISOString() : t;
  const pointTo = (signal: object | null) => {
    if (signal === null) return null;
    let no = signalNo.get(signal);
    if (no === undefined) signalNo.set(signal, no = signals.push(signal) - 1);
    return no;
  };
  // Each column goes as its array literal (array_literal.ts): cheaper to build than postgres.js'
  // serialisation of the array, element by element.
  const columns = {
    pipelineIds: arrayLiteral(requests.map((r) => r.pipeline_id)),
    kinds: arrayLiteral(requests.map((r) => r.trigger_kind)),
    signalIds: arrayLiteral(requests.map((r) => r.signal_id)),
    signalNos: arrayLiteral(requests.map((r) => pointTo(r.signal))),
    emittedAt: arrayLiteral(requests.map((r) => iso(r.signal_emitted_at))),
    receivedAt: arrayLiteral(requests.map((r) => iso(r.received_at))),
  };
  return { ...columns, signals };
}

/**
 * Claims in ONE statement; requests whose pipeline is busy, inactive, gone, or already ran for
 * that signal_id are skipped (not returned). Requests travel as one array per column and each
 * distinct signal object once (a signal matching ten pipelines is sent and parsed once), and a
 * busy `skip` or `buffer_one` pipeline is dropped before its row is built: a batch whose
 * pipelines are all busy costs an index probe per request, not a parsed and refused insert.
 */
export async function claimExecutions(
  sql: Queryable,
  requests: readonly ClaimRequest[],
  options: ClaimOptions = {},
): Promise<ClaimedExecution[]> {
  if (requests.length === 0 && !options.alongside) return [];
  return [...await claimStatement(sql, requests, options)];
}

/**
 * The statement of {@linkcode claimExecutions}, built but not sent: postgres.js sends a query
 * when it is awaited, so a caller can build the next claim while another one is on the server.
 * Its arrays are built here, which is most of the client's cost. Await it once.
 */
export function claimStatement(
  sql: Queryable,
  requests: readonly ClaimRequest[],
  options: ClaimOptions = {},
): postgres.PendingQuery<ClaimedExecution[]> {
  const c = claimColumns(requests);
  // $1-$6: one array per request column, signal_no being a 0-based place in $7 or null (the
  // kind and the times travel as text: a pool connected before the enum existed could not
  // serialise an array of it, and postgres.js would turn each time into a Date and back);
  // $7: the distinct signals, one JSON array. A buffer_one pipeline takes its lowest free slot
  // (0, 1), a skip pipeline slot 0 if free; two requests racing for one slot both try it and the
  // unique index keeps one. `slotted` is materialized so the slot test runs for the requested
  // pipelines only: pushed down into a scan of `pipelines`, it would run for every pipeline.
  return sql<ClaimedExecution[]>`
    with ${options.alongside ? sql`alongside as (${options.alongside}),` : sql``} req as (
      select r.pipeline_id, r.kind::trigger_kind as trigger_kind, r.signal_id, r.signal_no,
        r.signal_emitted_at, r.received_at
      from unnest(${c.pipelineIds}::uuid[], ${c.kinds}::text[], ${c.signalIds}::text[],
        ${c.signalNos}::int[], ${c.emittedAt}::text[]::timestamptz[],
        ${c.receivedAt}::text[]::timestamptz[])
        as r(pipeline_id, kind, signal_id, signal_no, signal_emitted_at, received_at)
    ), slotted as materialized (
      select req.*, p.max_attempts, p.overlap_policy,
        case p.overlap_policy
          when 'allow' then null
          else (select min(s.n) from (values (0), (1)) as s(n)
                where s.n < case p.overlap_policy when 'skip' then 1 else 2 end
                  and not exists (
                    select 1 from pipeline_executions e
                    where e.pipeline_id = p.id and e.active_slot = s.n
                      and e.finished_at is null))
        end as slot
      from req join pipelines p on p.id = req.pipeline_id and p.is_active
    ), signals as materialized (
      select ${sql.json(c.signals as never)}::jsonb as list
    )
    insert into pipeline_executions
      (pipeline_id, trigger_kind, active_slot, signal_id, signal, max_attempts,
       signal_emitted_at, received_at)
    select slotted.pipeline_id, slotted.trigger_kind, slotted.slot, slotted.signal_id,
           signals.list -> slotted.signal_no, slotted.max_attempts, slotted.signal_emitted_at,
           slotted.received_at
    from slotted, signals
    where slotted.overlap_policy = 'allow' or slotted.slot is not null
    on conflict do nothing
    returning id, pipeline_id, trigger_kind, signal_id`;
}
