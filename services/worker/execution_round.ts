/**
 * The worker's one Postgres statement per round trip: it records the outcomes of runs that ended
 * (each a compare-and-set on the owner) and starts the executions of entries just read (one
 * compare-and-set each), together. Outcomes and starts that meet in one round share its parse,
 * its commit and its change notification, so the worker pays one statement where it paid two.
 *
 * The two updates never touch the same row: a start skips the executions this round finishes (an
 * execution being finished here is running for this worker, so it could only be a duplicate or
 * its own reclaimed entry, which the delivery decision acknowledges or leaves).
 */
import { arrayLiteral } from "../../shared/array_literal.ts";
import type { Sql } from "../../shared/db.ts";
import { toStorableJson } from "../../shared/schemas/storable_text.ts";
import type { Finish } from "./finish_execution.ts";
import type { DeliveredExecution, StartOptions } from "./start_executions.ts";
import type { RunResult } from "./run_pipeline.ts";

/** What one round did: every execution of `start.ids` that still exists, and for each finish, whether it was this worker's. */
export interface RoundResult {
  executions: DeliveredExecution[];
  owned: boolean[];
  /** The pipelines of the executions it started or finished, once each: what it announces. */
  changed: string[];
}

/** A round's rows: the finished ids, then the starts' executions as they were before it. */
type RoundRow =
  | (DeliveredExecution & { finished: false })
  | { finished: true; id: string; pipeline_id: string };

/** Options of {@linkcode runExecutionRound}. */
export interface RoundOptions {
  /**
   * Whether the statement's update trigger NOTIFYs its changes (default true). The worker says
   * false and publishes `changed` on Redis instead (migration 0028): the trigger cost the round
   * 60-140 µs of Postgres CPU, and each NOTIFY costs every LISTEN backend a transaction. The
   * setting lasts until the transaction ends: run in `sql.begin`, the rest of it is silent too.
   */
  notify?: boolean;
}

/**
 * Runs one round: finishes `finishes` and starts `start.ids`, in ONE statement. Either part may
 * be empty.
 */
export async function runExecutionRound(
  sql: Sql,
  start: StartOptions | null,
  finishes: readonly Finish[],
  { notify = true }: RoundOptions = {},
): Promise<RoundResult> {
  const ids = start?.ids ?? [];
  if (ids.length === 0 && finishes.length === 0) return { executions: [], owned: [], changed: [] };
  // Id lists go as array literals (arrayLiteral): postgres.js serializes a JS array for a uuid[]
  // parameter only once some connection of the pool has loaded the array types, and a worker's
  // first statements may go out before that ("malformed array literal", seen at start-up). Ids
  // and epoch ms never need arrayLiteral's fallback to a JS array.
  // $1: ids to start; $2: enqueue times (epoch ms) in their order; $3: those of them whose entry
  // came from XAUTOCLAIM; $4: the ids of the outcomes; $5: jsonb array of outcomes {id,
  // worker_id, status, steps?, result?, error?, retry_at?} (an absent key is null, absent steps
  // are none); $6: worker id; $7 and $8: visibility timeout (s); $9: notify.
  //
  // Each list goes once (`input`), not once per use: the bytes a statement carries cost the worker
  // CPU to write (measured: about half of its Postgres client time was the socket write).
  //
  // Outcomes: a retry keeps its active_slot (the pipeline stays busy) and is due at enqueued_at,
  // which the dispatcher's sweep reads as "on the stream since", so a waiting retry never looks
  // lost. Starts: the outer select reads the rows as they were before the statement (one
  // snapshot). The status test is a CASE so that the primary key is the only index the planner
  // can use: with a plain `status = 'queued' or …` and stale statistics (a burst into a quiet
  // table) it walked every queued row through the partial index, 20 to 70 ms per statement at
  // 20 000 queued. A pipeline's config comes on its first row only: every run of the round shares
  // one parsed (and validated) config instead of parsing the same text once per row. Outcomes
  // find their rows by the id list, for the same reason: no index has status or worker_id any
  // more (migration 0027), and joined on the outcomes alone, a `status = 'running'` estimated at
  // one row made the planner scan the whole table once per round (6 ms at 3 000 rows).
  //
  // Not notifying: set_config(…, true) lasts until the statement's transaction ends, so the
  // update trigger, which runs after both updates, sees it off (migration 0028). `input` is
  // evaluated once, before either update reads its lists.
  const rows = await sql<RoundRow[]>`
    with input as (
      select ${arrayLiteral(ids)}::uuid[] as ids,
             ${arrayLiteral(start?.enqueuedAtMs ?? [])}::float8[] as enqueued_ms,
             ${arrayLiteral(start?.reclaimedIds ?? [])}::uuid[] as reclaimed,
             ${arrayLiteral(finishes.map((f) => f.id))}::uuid[] as finished_ids,
             case when ${notify}::boolean then null
               else set_config('tickwire.announce', 'off', true) end as announce
    ), outcome as (
      select * from jsonb_to_recordset(${sql.json(finishes.map(outcomeRow) as never)}::jsonb)
        as c(id uuid, worker_id text, status text, steps jsonb, result jsonb, error text,
             retry_at timestamptz)
    ), finished as (
      update pipeline_executions e set
        status = c.status::execution_status,
        steps = coalesce(c.steps, '[]'),
        result = c.result,
        error = c.error,
        enqueued_at = coalesce(c.retry_at, e.enqueued_at),
        heartbeat_at = case when c.retry_at is null then now() end,
        finished_at = case when c.retry_at is null then now() end
      from outcome c
      where e.id = any((select finished_ids from input)::uuid[])
        and e.id = c.id and e.worker_id = c.worker_id and e.status = 'running'
      returning e.id, e.pipeline_id
    ), started as (
      update pipeline_executions e
      set status = 'running', attempts = e.attempts + 1, started_at = now(),
          heartbeat_at = now(), worker_id = ${start?.workerId ?? ""}, finished_at = null,
          enqueued_at = coalesce(e.enqueued_at, to_timestamp((select enqueued_ms[
            array_position(ids, e.id)] from input) / 1000))
      where e.id = any((select ids from input)::uuid[]) and e.attempts < e.max_attempts
        and e.id not in (select id from outcome)
        and case e.status
          when 'queued' then e.enqueued_at is null or e.enqueued_at <= now()
          when 'running' then e.id = any((select reclaimed from input)::uuid[])
            and coalesce(e.heartbeat_at, e.started_at, e.queued_at)
              < now() - make_interval(secs => ${start?.visibilityTimeoutSeconds ?? 0})
          else false end
      returning e.id, e.attempts
    )
    select true as finished, f.id, f.pipeline_id,
           null::execution_status as previous_status, null::boolean as started,
           null::int as attempts, null::int as max_attempts, null::timestamptz as due_at,
           null::boolean as stale, null::trigger_kind as trigger_kind, null::jsonb as signal,
           null::text as error, null::text as pipeline_name, null::uuid as owner_id,
           null::jsonb as config, null::text as pipeline_account
    from finished f
    union all
    select false, e.id, e.pipeline_id, e.status, s.id is not null,
           coalesce(s.attempts, e.attempts), e.max_attempts,
           case when e.status = 'queued' and e.enqueued_at > now() then e.enqueued_at end,
           (e.status = 'running' and coalesce(e.heartbeat_at, e.started_at, e.queued_at)
             < now() - make_interval(secs => ${start?.visibilityTimeoutSeconds ?? 0})),
           e.trigger_kind, e.signal, e.error, p.name, p.owner_id,
           case when row_number() over (partition by e.pipeline_id) = 1 then p.config end,
           p.account
    from pipeline_executions e
    join pipelines p on p.id = e.pipeline_id
    left join started s on s.id = e.id
    where e.id = any((select ids from input)::uuid[])`;
  const finished = new Set<string>();
  const changed = new Set<string>();
  const executions: DeliveredExecution[] = [];
  const configs = new Map<string, unknown>();
  for (const row of rows) {
    if (row.finished) {
      finished.add(row.id);
      changed.add(row.pipeline_id);
    } else {
      const { finished: _, ...execution } = row;
      if (execution.config !== null) configs.set(execution.pipeline_id, execution.config);
      if (execution.started) changed.add(execution.pipeline_id);
      executions.push(execution);
    }
  }
  for (const e of executions) e.config ??= configs.get(e.pipeline_id);
  return { executions, owned: finishes.map((f) => finished.has(f.id)), changed: [...changed] };
}

/**
 * One outcome as the statement reads it, null and empty fields left out (see the statement).
 * Outputs and errors come from outside (a webhook's answer): unstorable text would fail the
 * statement on every retry and hold the run forever, so it is replaced, not refused.
 */
function outcomeRow({ id, workerId, completion: c }: Finish): unknown {
  const row: Record<string, unknown> = { id, worker_id: workerId, status: c.status };
  if (c.steps.length > 0) row.steps = c.steps;
  const result = c.status === "queued" ? null : storedResult(c.result);
  if (result !== null) row.result = result;
  if (c.error !== null) row.error = c.error;
  if (c.status === "queued") row.retry_at = c.retryAt.toISOString();
  return toStorableJson(row);
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
