/** The periodic pipelines and their `pipeline_schedule_state` rows, read and written in batches. */
import type { Queryable, Sql } from "../../shared/db.ts";

/** A periodic, active pipeline with its stored state (null fields: never scheduled). */
export interface PeriodicPipelineRow {
  id: string;
  schedule: unknown;
  state_schedule: unknown;
  next_fire_at: Date | null;
}

/** Active periodic pipelines; only those of `ids` when given. */
export async function loadPeriodicPipelines(
  sql: Sql,
  ids: readonly string[] | null,
): Promise<PeriodicPipelineRow[]> {
  const rows = await sql<PeriodicPipelineRow[]>`
    select p.id, p.schedule, s.schedule as state_schedule, s.next_fire_at
    from pipelines p left join pipeline_schedule_state s on s.pipeline_id = p.id
    where p.trigger_mode = 'periodic' and p.is_active and p.schedule is not null
      ${ids ? sql`and p.id = any(${ids as string[]}::uuid[])` : sql``}`;
  return [...rows];
}

/** One state row to write; `last_fired_at` null keeps the stored one. */
export interface ScheduleStateUpdate {
  pipeline_id: string;
  schedule: unknown;
  last_fired_at: string | null;
  next_fire_at: string;
}

/** Upserts every row in one statement; rows of pipelines deleted meanwhile are dropped. */
export async function saveScheduleState(
  sql: Queryable,
  updates: readonly ScheduleStateUpdate[],
): Promise<void> {
  if (updates.length === 0) return;
  // $1: jsonb array of ScheduleStateUpdate.
  await sql`
    insert into pipeline_schedule_state (pipeline_id, schedule, last_fired_at, next_fire_at)
    select r.pipeline_id, r.schedule, r.last_fired_at, r.next_fire_at
    from jsonb_to_recordset(${sql.json(updates as never)}::jsonb) as r(
      pipeline_id uuid, schedule jsonb, last_fired_at timestamptz, next_fire_at timestamptz)
    join pipelines p on p.id = r.pipeline_id
    on conflict (pipeline_id) do update set
      schedule = excluded.schedule,
      last_fired_at = coalesce(excluded.last_fired_at, pipeline_schedule_state.last_fired_at),
      next_fire_at = excluded.next_fire_at,
      updated_at = now()`;
}
