/**
 * A new daily bar reaches the ledger: every open position in its ticker checks its protective
 * exits against the bar ({@linkcode decideExit}) and a triggered exit is booked as a market order
 * at the exit's price; then each account holding the ticker marks its equity for the bar's date.
 * Each position is handled in its own transaction under its account's and its own row lock, and
 * the position remembers the last bar it checked, so the same bar delivered twice (or to two
 * consumers at once) books one exit.
 */
import type { Sql } from "../db.ts";
import type { Bar } from "../market/bar.ts";
import { ACCOUNT_COLUMNS, type PaperAccount, valueAccount } from "./accounts.ts";
import { type Booking, lockPosition, writeOrder } from "./book_order.ts";
import { advanceExits, decideExit } from "./exits.ts";

/** What one bar did to one position. */
export interface BarEffect {
  account_id: string;
  ticker: string;
  /** The exit booked on this bar; null when none triggered (or the bar was seen before). */
  exit: Booking | null;
  equity: number;
}

/** Applies `bar` to every account holding `bar.ticker`. */
export async function applyBar(sql: Sql, bar: Bar): Promise<BarEffect[]> {
  const holders = await sql<{ account_id: string }[]>`
    select account_id from paper_positions where ticker = ${bar.ticker} and quantity <> 0
    order by account_id`;
  const effects: BarEffect[] = [];
  for (const { account_id } of holders) {
    const effect = await sql.begin((tx) => applyToAccount(tx as unknown as Sql, account_id, bar));
    if (effect) effects.push(effect as BarEffect);
  }
  return effects;
}

async function applyToAccount(tx: Sql, accountId: string, bar: Bar): Promise<BarEffect | null> {
  const [account] = await tx<PaperAccount[]>`
    select ${tx.unsafe(ACCOUNT_COLUMNS)} from paper_accounts where id = ${accountId} for update`;
  if (!account) return null;
  const held = await lockPosition(tx, accountId, bar.ticker);
  const direction = Math.sign(held.position.quantity) as 1 | -1 | 0;
  let exit: Booking | null = null;
  let cash = account.cash;
  if (direction !== 0 && held.exits && bar.date > held.exits.checked_through) {
    const decision = decideExit(held.exits, direction, bar);
    if (decision) {
      exit = await writeOrder(tx, account, held, {
        owner_id: account.owner_id,
        account: account.name,
        execution_id: null,
        step_id: null,
        signal_id: null,
        ticker: bar.ticker,
        side: direction === 1 ? "sell" : "buy",
        quantity: Math.abs(held.position.quantity),
        price: decision.price,
        bar_date: bar.date,
        slippage_bps: held.exits.slippage_bps,
        fees: held.exits.fees,
        // Closing a short buys; closing a long sells exactly what is held.
        allow_short: false,
        exit_reason: decision.reason,
      });
      cash = exit.cash;
    } else {
      const exits = { ...held.exits, ...advanceExits(held.exits, direction, bar) };
      await tx`
        update paper_positions set exits = ${tx.json(exits as never)}, updated_at = now()
        where account_id = ${accountId} and ticker = ${bar.ticker}`;
    }
  }
  const valuation = await valueAccount(tx, { id: accountId, cash }, { [bar.ticker]: bar.close });
  await tx`
    insert into paper_equity_snapshots (account_id, equity, cash, bar_date)
    values (${accountId}, ${valuation.equity}, ${cash}, ${bar.date})
    on conflict (account_id, bar_date) where bar_date is not null
    do update set equity = excluded.equity, cash = excluded.cash, at = now()`;
  return { account_id: accountId, ticker: bar.ticker, exit, equity: valuation.equity };
}
