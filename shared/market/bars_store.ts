/** Daily bars in Postgres (`market_bars`): the generator writes what it reads, agents read them. */
import type { Sql } from "../db.ts";
import type { Bar } from "./bar.ts";

/** Largest batch {@linkcode writeBars} sends in one statement. */
const MAX_BATCH = 5000;

/**
 * Upserts bars in one statement per {@linkcode MAX_BATCH} bars; a later write of the same ticker
 * and date replaces the earlier one (e.g. a corrected close). Returns how many rows were written.
 */
export async function writeBars(sql: Sql, bars: readonly Bar[]): Promise<number> {
  // One row per (ticker, date), the last given: an upsert may not touch a row twice.
  const unique = [...new Map(bars.map((b) => [`${b.ticker} ${b.date}`, b])).values()];
  for (let start = 0; start < unique.length; start += MAX_BATCH) {
    const batch = unique.slice(start, start + MAX_BATCH).map((b) => ({
      ticker: b.ticker,
      date: b.date,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      adj_close: b.adj_close,
      volume: b.volume,
    }));
    // $1: jsonb array of Bar.
    await sql`
      insert into market_bars (ticker, date, open, high, low, close, adj_close, volume)
      select * from jsonb_to_recordset(${sql.json(batch)}::jsonb) as b(
        ticker text, date date, open numeric, high numeric, low numeric, close numeric,
        adj_close numeric, volume numeric)
      on conflict (ticker, date) do update set
        open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
        adj_close = excluded.adj_close, volume = excluded.volume`;
  }
  return unique.length;
}

/** Options of {@linkcode readBars}. */
export interface ReadBarsOptions {
  /** Last trading day to include, YYYY-MM-DD; default: the latest stored. */
  until?: string;
  /** Most bars returned (the latest ones); default 500. */
  limit?: number;
}

/** The latest bars of `ticker` up to `until`, oldest first. */
export async function readBars(
  sql: Sql,
  ticker: string,
  options: ReadBarsOptions = {},
): Promise<Bar[]> {
  const rows = await sql<Bar[]>`
    select ticker, to_char(date, 'YYYY-MM-DD') as date, open::float8 as open,
      high::float8 as high, low::float8 as low, close::float8 as close,
      adj_close::float8 as adj_close, volume::float8 as volume
    from market_bars
    where ticker = ${ticker} ${options.until ? sql`and date <= ${options.until}::date` : sql``}
    order by date desc
    limit ${options.limit ?? 500}`;
  return [...rows].reverse();
}
