/**
 * The figures of an equity curve and its trades (a backtest, a paper account), pure. Returns are in percent. The Sharpe ratio is that of daily equity
 * returns (risk-free rate 0), annualised by √252; CAGR uses calendar years of 365.25 days between
 * the first and last bar; exposure is the share of bars that ended with a position open; the
 * buy-and-hold return is the average over the tickers of last ÷ first price of the span.
 */
import { round } from "./position_math.ts";
import type { Trade } from "./trades.ts";

/** Equity at one bar's close. */
export interface EquityPoint {
  date: string;
  equity: number;
  cash: number;
  /** Market value of open positions (absolute, so shorts count). */
  invested: number;
}

/** What {@linkcode ledgerStats} reports. */
export interface LedgerStats {
  /** Closed trades. */
  trades: number;
  open_trades: number;
  win_rate_pct: number | null;
  /** Gross profit ÷ gross loss of closed trades; null without a losing trade. */
  profit_factor: number | null;
  starting_cash: number;
  final_equity: number;
  total_return_pct: number;
  cagr_pct: number | null;
  max_drawdown_pct: number;
  sharpe: number | null;
  exposure_pct: number;
  buy_and_hold_return_pct: number | null;
}

/** The figures of an equity curve and its trades. */
export function ledgerStats(input: {
  equity: readonly EquityPoint[];
  trades: readonly Trade[];
  startingCash: number;
  buyAndHold: readonly { first: number | undefined; last: number | undefined }[];
}): LedgerStats {
  const { equity, startingCash } = input;
  const closed = input.trades.filter((t) => t.exit_date !== null);
  const wins = closed.filter((t) => t.pnl > 0);
  const profit = wins.reduce((s, t) => s + t.pnl, 0);
  const loss = -closed.filter((t) => t.pnl < 0).reduce((s, t) => s + t.pnl, 0);
  const final = equity.at(-1)?.equity ?? startingCash;
  const years = equity.length < 2
    ? 0
    : (Date.parse(equity.at(-1)!.date) - Date.parse(equity[0]!.date)) / (365.25 * 86_400_000);
  const held = input.buyAndHold.filter((b) => b.first && b.last);
  return {
    trades: closed.length,
    open_trades: input.trades.length - closed.length,
    win_rate_pct: closed.length ? round(wins.length / closed.length * 100, 4) : null,
    profit_factor: loss > 0 ? round(profit / loss, 4) : null,
    starting_cash: startingCash,
    final_equity: round(final),
    total_return_pct: round((final / startingCash - 1) * 100, 4),
    cagr_pct: years > 0 ? round(((final / startingCash) ** (1 / years) - 1) * 100, 4) : null,
    max_drawdown_pct: round(maxDrawdown(equity.map((p) => p.equity)) * 100, 4),
    sharpe: sharpe(equity.map((p) => p.equity)),
    exposure_pct: equity.length
      ? round(equity.filter((p) => p.invested > 0).length / equity.length * 100, 4)
      : 0,
    buy_and_hold_return_pct: held.length
      ? round(held.reduce((s, b) => s + (b.last! / b.first! - 1), 0) / held.length * 100, 4)
      : null,
  };
}

/** Largest fall from a peak, as a fraction of the peak. */
export function maxDrawdown(values: readonly number[]): number {
  let peak = -Infinity;
  let worst = 0;
  for (const v of values) {
    peak = Math.max(peak, v);
    if (peak > 0) worst = Math.max(worst, (peak - v) / peak);
  }
  return worst;
}

/** Annualised Sharpe ratio of daily returns of `values` (sample deviation); null if flat. */
export function sharpe(values: readonly number[]): number | null {
  const returns = values.slice(1).map((v, i) => v / values[i]! - 1);
  if (returns.length < 2) return null;
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  const variance = returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1);
  if (!(variance > 0)) return null;
  return round(mean / Math.sqrt(variance) * Math.sqrt(252), 4);
}
