import assert from "node:assert/strict";
import {
  applyFill,
  cashDelta,
  fillPrice,
  FLAT,
  orderFees,
  type Position,
  round,
  unrealisedPnl,
} from "./position_math.ts";

Deno.test("position math: a hand-computed sequence of adds, reduce, flip and close", () => {
  // Buy 100 @ 10, buy 50 @ 13 → 150 @ (1000 + 650) / 150 = 11.
  let p: Position = applyFill(FLAT, { side: "buy", quantity: 100, price: 10 }).position;
  p = applyFill(p, { side: "buy", quantity: 50, price: 13 }).position;
  assert.deepEqual(p, { quantity: 150, avg_price: 11, realised_pnl: 0 });

  // Sell 60 @ 15 realises 60 × (15 − 11) = 240; the rest keeps its cost.
  let step = applyFill(p, { side: "sell", quantity: 60, price: 15 });
  assert.equal(step.realised, 240);
  assert.deepEqual(step.position, { quantity: 90, avg_price: 11, realised_pnl: 240 });

  // Sell 120 @ 12 closes 90 (+90) and opens a 30 short at 12.
  step = applyFill(step.position, { side: "sell", quantity: 120, price: 12 });
  assert.equal(step.realised, 90);
  assert.deepEqual(step.position, { quantity: -30, avg_price: 12, realised_pnl: 330 });

  // The short is up 30 × (12 − 10) = 60 at a mark of 10.
  assert.equal(unrealisedPnl(step.position, 10), 60);

  // Buy 30 @ 9 covers: +30 × (12 − 9) = 90, flat with 420 realised in total.
  step = applyFill(step.position, { side: "buy", quantity: 30, price: 9 });
  assert.equal(step.realised, 90);
  assert.deepEqual(step.position, { quantity: 0, avg_price: 0, realised_pnl: 420 });
});

Deno.test("position math: a losing long realises a negative P&L", () => {
  const long = applyFill(FLAT, { side: "buy", quantity: 10, price: 50 }).position;
  const step = applyFill(long, { side: "sell", quantity: 4, price: 45.5 });
  assert.equal(step.realised, -18);
  assert.equal(unrealisedPnl(step.position, 40), -60);
});

Deno.test("position math: fractional quantities stay exact to 8 places", () => {
  let p = applyFill(FLAT, { side: "buy", quantity: 0.1, price: 3 }).position;
  p = applyFill(p, { side: "buy", quantity: 0.2, price: 3 }).position;
  assert.equal(p.quantity, 0.3);
  p = applyFill(p, { side: "sell", quantity: 0.3, price: 4 }).position;
  assert.deepEqual(p, { quantity: 0, avg_price: 0, realised_pnl: 0.3 });
});

Deno.test("position math: slippage moves the fill against the trader", () => {
  assert.equal(fillPrice(100, "buy", 25), 100.25);
  assert.equal(fillPrice(100, "sell", 25), 99.75);
  assert.equal(fillPrice(100, "buy", 0), 100);
});

Deno.test("position math: fees are fixed plus basis points of the notional", () => {
  assert.equal(orderFees(1000, { fixed: 1, bps: 10 }), 2);
  assert.equal(orderFees(0, { fixed: 0, bps: 10 }), 0);
});

Deno.test("position math: cash pays for buys and receives sells, fees always out", () => {
  assert.equal(cashDelta({ side: "buy", quantity: 100, price: 10, fees: 2 }), -1002);
  assert.equal(cashDelta({ side: "sell", quantity: 100, price: 10, fees: 2 }), 998);
});

Deno.test("position math: zero or negative fills are refused", () => {
  assert.throws(
    () => applyFill(FLAT, { side: "buy", quantity: 0, price: 1 }),
    /Fill quantity 0 must be > 0/,
  );
  assert.throws(
    () => applyFill(FLAT, { side: "buy", quantity: 1, price: -1 }),
    /Fill price -1 must be > 0/,
  );
});

Deno.test("position math: round keeps 8 places and never returns -0", () => {
  assert.equal(round(0.1 + 0.2), 0.3);
  assert.equal(round(-1e-12), 0);
  assert.equal(Object.is(round(-1e-12), -0), false);
});
