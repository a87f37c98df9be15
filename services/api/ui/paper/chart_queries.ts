/** What the price chart marks: the owner's signals on a ticker and an account's fills. */
import type { Sql } from "../../../../shared/db.ts";
import type { MarkerSource } from "./chart_data.ts";

/** Signals that triggered the owner's executions on `ticker`, one per signal, by trading day. */
export async function signalMarks(
  sql: Sql,
  ownerId: string,
  ticker: string,
): Promise<MarkerSource[]> {
  // $1: owner id, $2: ticker. A signal without bar_date is placed on the day it was queued.
  const rows = await sql<
    { date: string; direction: string; confidence: number; scanner: string | null }[]
  >`
    select distinct on (coalesce(e.signal_id, e.id::text))
      coalesce(e.signal->>'bar_date', to_char(e.queued_at, 'YYYY-MM-DD')) as date,
      e.signal->>'signal' as direction, (e.signal->>'confidence')::float8 as confidence,
      e.signal->>'scanner' as scanner
    from pipeline_executions e join pipelines p on p.id = e.pipeline_id
    where p.owner_id = ${ownerId} and e.signal->>'ticker' = ${ticker}
    order by coalesce(e.signal_id, e.id::text), e.queued_at
    limit 1000`;
  return rows.map((r) => ({ kind: "signal", ...r }));
}

/** Filled orders of `accountId` on `ticker` (the caller checked the owner), by trading day. */
export async function fillMarks(
  sql: Sql,
  accountId: string,
  ticker: string,
): Promise<MarkerSource[]> {
  // $1: account id, $2: ticker
  const rows = await sql<{ date: string; side: "buy" | "sell"; quantity: number; price: number }[]>`
    select coalesce(to_char(bar_date, 'YYYY-MM-DD'), to_char(created_at, 'YYYY-MM-DD')) as date,
      side, quantity::float8 as quantity, fill_price::float8 as price
    from paper_orders
    where account_id = ${accountId} and ticker = ${ticker} and status = 'filled'
    order by created_at limit 1000`;
  return rows.map((r) => ({ kind: "fill", ...r }));
}
