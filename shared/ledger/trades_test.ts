import assert from "node:assert/strict";
import type { MemoryFill } from "./memory_ledger.ts";
import { tradesOf } from "./trades.ts";

const fill = (fields: Partial<MemoryFill>): MemoryFill => ({
  account_id: "a",
  ticker: "AAPL",
  side: "buy",
  quantity: 10,
  price: 100,
  fees: 1,
  realised: 0,
  bar_date: "2024-01-02",
  exit_reason: null,
  position_after: 10,
  ...fields,
});

Deno.test("trades: an add and two partial exits make one round trip with averaged prices", () => {
  const trades = tradesOf([
    fill({}),
    fill({ price: 110, position_after: 20, bar_date: "2024-01-03" }),
    // Average cost 105: selling 5 at 120 realises 75, then 15 at 90 realises −225.
    fill({ side: "sell", quantity: 5, price: 120, realised: 75, position_after: 15 }),
    fill({
      side: "sell",
      quantity: 15,
      price: 90,
      realised: -225,
      position_after: 0,
      bar_date: "2024-01-09",
      exit_reason: "stop",
    }),
  ], () => null);
  assert.deepEqual(trades, [{
    ticker: "AAPL",
    side: "long",
    quantity: 20,
    entry_date: "2024-01-02",
    entry_price: 105,
    exit_date: "2024-01-09",
    exit_price: 97.5,
    exit_reason: "stop",
    pnl: -154,
    return_pct: -7.3333,
    fees: 4,
  }]);
});

Deno.test("trades: a flip closes one trade and opens a short; an open trade is valued at the mark", () => {
  const trades = tradesOf([
    fill({ fees: 0 }),
    fill({ side: "sell", quantity: 15, price: 120, fees: 0, realised: 200, position_after: -5 }),
  ], () => 100);
  assert.deepEqual(trades.map((t) => [t.side, t.quantity, t.exit_price, t.exit_reason, t.pnl]), [
    ["long", 10, 120, "signal", 200],
    ["short", 5, null, null, 100],
  ]);
});
