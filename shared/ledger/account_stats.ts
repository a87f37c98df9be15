/**
 * A paper account's figures from Postgres: its round trips (fills replayed through the same
 * position maths, paired by {@linkcode tradesOf}; open ones at the latest close) and its daily
 * equity marks, measured by {@linkcode ledgerStats} like a backtest. Exposure counts the days that
 * ended with a position.
 */
import type { Queryable } from "../db.ts";
import { type PaperAccount, valueAccount } from "./accounts.ts";
import { type LedgerStats, ledgerStats } from "./ledger_stats.ts";
import type { MemoryFill } from "./memory_ledger.ts";
import { applyFill, FLAT, type Position } from "./position_math.ts";
import { type Trade, tradesOf } from "./trades.ts";

/** An account's figures and trades. */
export interface AccountStats {
  stats: LedgerStats;
  trades: Trade[];
}

/** Computes the figures of `account`. */
export async function accountStats(sql: Queryable, account: PaperAccount): Promise<AccountStats> {
  const rows = await sql<Omit<MemoryFill, "account_id" | "position_after">[]>`
    select f.ticker, f.side, f.quantity::float8 as quantity, f.price::float8 as price,
      f.fees::float8 as fees, f.realised_pnl::float8 as realised,
      to_char(o.bar_date, 'YYYY-MM-DD') as bar_date, o.exit_reason
    from paper_fills f join paper_orders o on o.id = f.order_id
    where f.account_id = ${account.id}
    order by f.created_at, f.id`;
  const positions = new Map<string, Position>();
  const fills: MemoryFill[] = rows.map((row) => {
    const after = applyFill(positions.get(row.ticker) ?? FLAT, row).position;
    positions.set(row.ticker, after);
    return { ...row, account_id: account.id, position_after: after.quantity };
  });
  const marks = await sql<{ date: string; equity: number; cash: number }[]>`
    select to_char(bar_date, 'YYYY-MM-DD') as date, equity::float8 as equity, cash::float8 as cash
    from paper_equity_snapshots
    where account_id = ${account.id} and bar_date is not null
    order by bar_date`;
  const { positions: open } = await valueAccount(sql, account);
  const trades = tradesOf(fills, (ticker) => open.find((p) => p.ticker === ticker)?.mark ?? null);
  const equity = marks.map((m) => ({
    date: m.date,
    equity: m.equity,
    cash: m.cash,
    invested: Math.abs(m.equity - m.cash),
  }));
  return {
    trades,
    stats: ledgerStats({ equity, trades, startingCash: account.starting_cash, buyAndHold: [] }),
  };
}
