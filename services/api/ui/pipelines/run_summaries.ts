/** Per pipeline of one owner: its last run and today's runs by outcome (one query for the list). */
import type { Sql } from "../../../../shared/db.ts";

/** One pipeline's run summary. */
export interface RunSummary {
  pipeline_id: string;
  last_status: string | null;
  last_queued_at: Date | null;
  last_execution_id: string | null;
  today_total: number;
  today_succeeded: number;
  today_failed: number;
}

/** Summaries of every pipeline `ownerId` owns, keyed by pipeline id. */
export async function runSummaries(sql: Sql, ownerId: string): Promise<Map<string, RunSummary>> {
  // $1: owner id. "Today" is the server's day (UTC in our deployments).
  const rows = await sql<RunSummary[]>`
    select p.id as pipeline_id, last.status as last_status, last.queued_at as last_queued_at,
      last.id as last_execution_id,
      coalesce(today.total, 0)::int as today_total,
      coalesce(today.succeeded, 0)::int as today_succeeded,
      coalesce(today.failed, 0)::int as today_failed
    from pipelines p
    left join lateral (
      select e.id, e.status, e.queued_at from pipeline_executions e
      where e.pipeline_id = p.id order by e.queued_at desc limit 1
    ) last on true
    left join lateral (
      select count(*) as total,
        count(*) filter (where e.status = 'succeeded') as succeeded,
        count(*) filter (where e.status = 'failed') as failed
      from pipeline_executions e
      where e.pipeline_id = p.id and e.queued_at >= date_trunc('day', now())
    ) today on true
    where p.owner_id = ${ownerId}`;
  return new Map(rows.map((r) => [r.pipeline_id, r]));
}

/** Tickers the system has seen: market data, and the owner's pipelines and signals. */
export async function knownTickers(sql: Sql, ownerId: string): Promise<string[]> {
  // $1: owner id
  const rows = await sql<{ ticker: string }[]>`
    select ticker from (select distinct ticker from market_bars) bars
    union
    select jsonb_array_elements_text(scanner_tickers) from pipelines where owner_id = ${ownerId}
    union
    select e.signal->>'ticker' from pipeline_executions e
      join pipelines p on p.id = e.pipeline_id
      where p.owner_id = ${ownerId} and e.signal ? 'ticker'
    order by 1 limit 2000`;
  return rows.map((r) => r.ticker);
}
