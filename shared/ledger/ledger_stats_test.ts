import assert from "node:assert/strict";
import type { Trade } from "./trades.ts";
import { ledgerStats, maxDrawdown, sharpe } from "./ledger_stats.ts";

const trade = (pnl: number, closed = true) => ({ pnl, exit_date: closed ? "x" : null }) as Trade;
const point = (date: string, equity: number, invested = 0) => ({
  date,
  equity,
  cash: equity,
  invested,
});

Deno.test("stats: drawdown, win rate, profit factor, returns and exposure by hand", () => {
  assert.equal(maxDrawdown([100, 120, 90, 130, 117]), 0.25);
  const stats = ledgerStats({
    equity: [
      point("2020-01-01", 100_000),
      point("2020-07-01", 120_000, 50_000),
      point("2021-01-01", 90_000, 50_000),
      point("2022-01-01", 121_000),
    ],
    trades: [trade(30_000), trade(-10_000), trade(1_000), trade(-500, false)],
    startingCash: 100_000,
    buyAndHold: [{ first: 50, last: 75 }, { first: 10, last: 5 }],
  });
  assert.equal(stats.trades, 3);
  assert.equal(stats.open_trades, 1);
  assert.equal(stats.win_rate_pct, 66.6667);
  assert.equal(stats.profit_factor, 3.1);
  assert.equal(stats.total_return_pct, 21);
  // Two years and a day: 1.21^(365.25 / 731) − 1.
  assert.equal(stats.cagr_pct, Math.round((1.21 ** (365.25 / 731) - 1) * 1e6) / 1e4);
  assert.equal(stats.max_drawdown_pct, 25);
  assert.equal(stats.exposure_pct, 50);
  // (+50 % − 50 %) / 2.
  assert.equal(stats.buy_and_hold_return_pct, 0);
});

Deno.test("stats: Sharpe of daily returns, annualised; null when flat", () => {
  // Returns +10 %, −10 %: mean 0 → 0.
  assert.equal(sharpe([100, 110, 99]), 0);
  // Returns 1 %, 3 %: mean 2 %, sample sd √2 %, × √252.
  const value = sharpe([100, 101, 104.03])!;
  assert.ok(Math.abs(value - 0.02 / (Math.SQRT2 / 100) * Math.sqrt(252)) < 1e-3);
  assert.equal(sharpe([100, 100, 100]), null);
});
