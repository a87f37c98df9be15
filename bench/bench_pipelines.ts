/** Rows a bench section needs, each set inserted by one statement. */
import type { Sql } from "../shared/db.ts";
import { insertUser } from "../tests/fixtures/pipelines.ts";

/** The ticker of index `i`: `T0000` … */
export function benchTicker(i: number): string {
  return `T${String(i).padStart(4, "0")}`;
}

/** Options of {@linkcode insertBenchPipelines}. */
export interface BenchPipelines {
  count: number;
  /** Pipeline `g` watches ticker `g mod tickers`. */
  tickers: number;
  overlapPolicy: "skip" | "allow";
}

/** Inserts `count` active signal pipelines with no steps (a no-op run); returns the owner id. */
export async function insertBenchPipelines(sql: Sql, o: BenchPipelines): Promise<string> {
  const owner = await insertUser(sql);
  // $1 owner, $2 count, $3 tickers, $4 overlap policy.
  await sql`
    insert into pipelines (owner_id, name, trigger_mode, scanner_tickers, overlap_policy)
    select ${owner}, 'bench ' || g, 'signal',
      jsonb_build_array('T' || lpad((g % ${o.tickers})::text, 4, '0')),
      ${o.overlapPolicy}::overlap_policy
    from generate_series(0, ${o.count - 1}) as g`;
  return owner;
}
