import assert from "node:assert/strict";
import { macdScanner } from "./macd_cross.ts";

Deno.test("macd scanner: line crossing its signal line, on hand-computed MACD(2, 3, 2)", () => {
  // MACD is unchanged by adding 100 to every price (see macd_test.ts for the values):
  // histogram 7/36 (initial, positive), −22/81 at index 4 → BEARISH with MACD 23/108 at price 104:
  //   50 − 10 × 100 × 0.21296 / 104 ≈ 48;
  // negative until index 7, where MACD 6307/1458 − 391/96 ≈ 0.2529 crosses above its signal
  //   0.1225 → BULLISH, 50 + 10 × 100 × 0.2529 / 105 ≈ 52.
  const prices = [101, 102, 104, 108, 104, 102, 103, 105];
  assert.deepEqual(macdScanner({ fast: 2, slow: 3, signal: 2 }).scan(prices), [
    { index: 4, signal: "BEARISH", confidence: 48 },
    { index: 7, signal: "BULLISH", confidence: 52 },
  ]);
});

Deno.test("macd scanner: nothing before the signal line exists (34 bars by default)", () => {
  const prices = Array.from({ length: 33 }, (_, i) => 100 + 5 * Math.sin(i / 2));
  assert.deepEqual(macdScanner().scan(prices), []);
  assert.ok(macdScanner().scan([...prices, ...prices]).length > 0);
});
