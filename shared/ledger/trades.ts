/**
 * Round trips from a ledger's fills, pure: a trade opens when a position leaves flat and closes
 * when it is flat again (a fill that flips the position closes one trade and opens the next at
 * the same price). Its P&L is the ledger's realised P&L less every fee the trade paid; a trade
 * still open is valued at the latest close and has null exit fields.
 */
import type { ExitReason } from "./exits.ts";
import type { MemoryFill } from "./memory_ledger.ts";
import { round } from "./position_math.ts";

/** One round trip. */
export interface Trade {
  ticker: string;
  side: "long" | "short";
  /** Shares entered (the largest position, when it was added to). */
  quantity: number;
  entry_date: string | null;
  /** Average entry fill price. */
  entry_price: number;
  exit_date: string | null;
  /** Average exit fill price. */
  exit_price: number | null;
  exit_reason: ExitReason | null;
  /** Realised P&L less fees; for an open trade, at the latest close. */
  pnl: number;
  /** `pnl` in percent of the entry value. */
  return_pct: number;
  fees: number;
}

interface OpenTrade {
  ticker: string;
  direction: 1 | -1;
  entered: number;
  cost: number;
  exited: number;
  proceeds: number;
  realised: number;
  fees: number;
  entry_date: string | null;
}

/** The trades of `fills` (in booking order); `markOf` values the ones still open. */
export function tradesOf(
  fills: readonly MemoryFill[],
  markOf: (ticker: string) => number | null,
): Trade[] {
  const open = new Map<string, OpenTrade>();
  const trades: Trade[] = [];
  const start = (f: MemoryFill, quantity: number, fees: number): OpenTrade => ({
    ticker: f.ticker,
    direction: f.side === "buy" ? 1 : -1,
    entered: quantity,
    cost: quantity * f.price,
    exited: 0,
    proceeds: 0,
    realised: 0,
    fees,
    entry_date: f.bar_date,
  });
  for (const f of fills) {
    const key = `${f.account_id}\u0000${f.ticker}`;
    const trade = open.get(key);
    const direction = f.side === "buy" ? 1 : -1;
    if (!trade) {
      open.set(key, start(f, f.quantity, f.fees));
      continue;
    }
    if (direction === trade.direction) {
      trade.entered += f.quantity;
      trade.cost += f.quantity * f.price;
      trade.fees += f.fees;
      continue;
    }
    const closing = Math.min(f.quantity, trade.entered - trade.exited);
    trade.exited += closing;
    trade.proceeds += closing * f.price;
    trade.realised += f.realised;
    trade.fees += f.fees;
    if (Math.sign(f.position_after) === trade.direction) continue;
    trades.push(closed(trade, f));
    open.delete(key);
    if (f.position_after !== 0) open.set(key, start(f, Math.abs(f.position_after), 0));
  }
  for (const trade of open.values()) {
    const remaining = trade.entered - trade.exited;
    const mark = markOf(trade.ticker) ?? trade.cost / trade.entered;
    const unrealised = trade.direction * remaining * (mark - trade.cost / trade.entered);
    trades.push(summary(trade, trade.realised + unrealised, null));
  }
  return trades;
}

function closed(trade: OpenTrade, last: MemoryFill): Trade {
  return summary(trade, trade.realised, {
    date: last.bar_date,
    price: round(trade.proceeds / trade.exited),
    reason: last.exit_reason ?? "signal",
  });
}

function summary(
  trade: OpenTrade,
  gross: number,
  exit: { date: string | null; price: number; reason: ExitReason } | null,
): Trade {
  const pnl = round(gross - trade.fees);
  return {
    ticker: trade.ticker,
    side: trade.direction === 1 ? "long" : "short",
    quantity: round(trade.entered),
    entry_date: trade.entry_date,
    entry_price: round(trade.cost / trade.entered),
    exit_date: exit?.date ?? null,
    exit_price: exit?.price ?? null,
    exit_reason: exit?.reason ?? null,
    pnl,
    return_pct: round(pnl / trade.cost * 100, 4),
    fees: round(trade.fees),
  };
}
