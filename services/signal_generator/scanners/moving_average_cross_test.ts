import assert from "node:assert/strict";
import { deathCrossScanner, goldenCrossScanner } from "./moving_average_cross.ts";

const repeat = (value: number, times: number) => new Array<number>(times).fill(value);

Deno.test("golden cross: fires on the bar SMA50 rises above SMA200, with the documented confidence", () => {
  // After 200 × 100 and 10 × 90, j bars of 110 give SMA50 = 98 + 0.2j and SMA200 = 99.5 + 0.05j:
  // equal at j = 10 (a touch keeps the sign), above at j = 11, the bar at index 220.
  // Confidence: SMA200 = 100.05, the price 110 is 9.945 % above it → 50 + 3 × 9.945 ≈ 80.
  const prices = [...repeat(100, 200), ...repeat(90, 10), ...repeat(110, 30)];
  assert.deepEqual(goldenCrossScanner().scan(prices), [
    { index: 220, signal: "BULLISH", confidence: 80 },
  ]);
  assert.deepEqual(deathCrossScanner().scan(prices), [], "a golden cross is no death cross");
});

Deno.test("death cross: fires on the bar SMA50 falls below SMA200", () => {
  // The mirror image: SMA200 = 99.95 at index 220, the price 90 is 9.955 % below it → 80.
  const prices = [...repeat(100, 200), ...repeat(110, 10), ...repeat(90, 30)];
  assert.deepEqual(deathCrossScanner().scan(prices), [
    { index: 220, signal: "BEARISH", confidence: 80 },
  ]);
  assert.deepEqual(goldenCrossScanner().scan(prices), []);
});

Deno.test("golden cross: the initial state is not a signal, and short series give nothing", () => {
  assert.deepEqual(goldenCrossScanner().scan([...repeat(100, 200), ...repeat(110, 60)]), []);
  assert.deepEqual(goldenCrossScanner().scan(repeat(100, 150)), []);
  // Short periods make a quick check of the rule: gap −, −, + → one cross at index 4.
  assert.deepEqual(goldenCrossScanner({ fast: 1, slow: 2 }).scan([5, 4, 3, 3, 6]), [
    { index: 4, signal: "BULLISH", confidence: 100 },
  ]);
});
