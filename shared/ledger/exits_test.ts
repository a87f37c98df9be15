import assert from "node:assert/strict";
import { advanceExits, decideExit, type ExitPlan, NO_EXITS, openExits } from "./exits.ts";

const bar = (date: string, open: number, high: number, low: number, close: number) => ({
  date,
  open,
  high,
  low,
  close,
});
const plan = (fields: Partial<ExitPlan>): ExitPlan => ({ ...NO_EXITS, ...fields });

Deno.test("exits: a long's stop hit intrabar fills at the stop price", () => {
  const state = openExits(plan({ stop_price: 95 }), 100, "2024-01-02");
  assert.equal(decideExit(state, 1, bar("2024-01-03", 99, 101, 96, 97)), null);
  assert.deepEqual(decideExit(state, 1, bar("2024-01-03", 99, 101, 94.5, 96)), {
    reason: "stop",
    price: 95,
  });
});

Deno.test("exits: a gap through the stop fills at the open", () => {
  const state = openExits(plan({ stop_price: 95, take_profit_price: 110 }), 100, "2024-01-02");
  assert.deepEqual(decideExit(state, 1, bar("2024-01-03", 90, 96, 88, 93)), {
    reason: "stop",
    price: 90,
  });
  // A gap above the target fills at the open too.
  assert.deepEqual(decideExit(state, 1, bar("2024-01-03", 112, 115, 111, 114)), {
    reason: "take_profit",
    price: 112,
  });
});

Deno.test("exits: take-profit fills at its price; a bar reaching both stop and target stops", () => {
  const state = openExits(plan({ stop_price: 95, take_profit_price: 110 }), 100, "2024-01-02");
  assert.deepEqual(decideExit(state, 1, bar("2024-01-03", 104, 110.5, 103, 109)), {
    reason: "take_profit",
    price: 110,
  });
  assert.deepEqual(decideExit(state, 1, bar("2024-01-03", 100, 111, 94, 105)), {
    reason: "stop",
    price: 95,
  });
});

Deno.test("exits: the trailing stop follows the highest high of earlier bars", () => {
  let state = openExits(plan({ stop_price: 90, trail_distance: 5 }), 100, "2024-01-02");
  // Trailing level 100 − 5 = 95 beats the stop at 90; this bar's high of 108 does not count yet.
  assert.equal(decideExit(state, 1, bar("2024-01-03", 101, 108, 96, 107)), null);
  state = advanceExits(state, 1, bar("2024-01-03", 101, 108, 96, 107));
  assert.equal(state.trail_extreme, 108);
  assert.equal(state.bars_held, 1);
  assert.deepEqual(decideExit(state, 1, bar("2024-01-04", 107, 107.5, 102.5, 104)), {
    reason: "trailing",
    price: 103,
  });
});

Deno.test("exits: a time exit closes at the close of the N-th bar after entry", () => {
  let state = openExits(plan({ max_bars: 2 }), 100, "2024-01-02");
  const first = bar("2024-01-03", 100, 102, 99, 101);
  assert.equal(decideExit(state, 1, first), null);
  state = advanceExits(state, 1, first);
  assert.deepEqual(decideExit(state, 1, bar("2024-01-04", 101, 103, 100, 102.25)), {
    reason: "time",
    price: 102.25,
  });
});

Deno.test("exits: shorts mirror stops, gaps, targets and trailing", () => {
  const state = openExits(plan({ stop_price: 105, take_profit_price: 90 }), 100, "2024-01-02");
  assert.deepEqual(decideExit(state, -1, bar("2024-01-03", 101, 105.5, 99, 104)), {
    reason: "stop",
    price: 105,
  });
  assert.deepEqual(decideExit(state, -1, bar("2024-01-03", 108, 109, 104, 106)), {
    reason: "stop",
    price: 108,
  });
  assert.deepEqual(decideExit(state, -1, bar("2024-01-03", 95, 96, 89, 91)), {
    reason: "take_profit",
    price: 90,
  });
  assert.deepEqual(decideExit(state, -1, bar("2024-01-03", 88, 89, 85, 86)), {
    reason: "take_profit",
    price: 88,
  });
  let trailing = openExits(plan({ trail_distance: 4 }), 100, "2024-01-02");
  trailing = advanceExits(trailing, -1, bar("2024-01-03", 99, 100, 93, 94));
  assert.equal(trailing.trail_extreme, 93);
  assert.deepEqual(decideExit(trailing, -1, bar("2024-01-04", 95, 97.5, 94, 97)), {
    reason: "trailing",
    price: 97,
  });
});

Deno.test("exits: a bar already checked (or the entry bar) triggers nothing and changes nothing", () => {
  const state = openExits(plan({ stop_price: 95 }), 100, "2024-01-02");
  const entryBar = bar("2024-01-02", 99, 101, 80, 100);
  assert.equal(decideExit(state, 1, entryBar), null);
  assert.equal(advanceExits(state, 1, entryBar), state);
  const next = bar("2024-01-03", 99, 101, 96, 97);
  const after = advanceExits(state, 1, next);
  assert.equal(decideExit(after, 1, bar("2024-01-03", 99, 101, 50, 60)), null);
  assert.deepEqual(advanceExits(after, 1, next), after);
});
