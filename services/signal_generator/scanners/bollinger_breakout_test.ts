import assert from "node:assert/strict";
import { bollingerScanner } from "./bollinger_breakout.ts";

Deno.test("bollinger scanner: close leaving the band, on hand-computed Bollinger(3, 1)", () => {
  // index 5, window [11, 10, 7]: mean 28/3, σ = √26/3, lower ≈ 7.634; close 7 is below it.
  //   e/w = (7 − √26)/(2√26) ≈ 0.186 → 50 + 18.6 ≈ 69 BULLISH.
  // index 7, window [7, 7, 12]: mean 26/3, σ = √50/3, upper ≈ 11.024; close 12 is above it.
  //   e/w = (10 − √50)/(2√50) ≈ 0.207 → 71 BEARISH.
  const prices = [10, 11, 10, 11, 10, 7, 7, 12];
  assert.deepEqual(bollingerScanner({ period: 3, k: 1 }).scan(prices), [
    { index: 5, signal: "BULLISH", confidence: 69 },
    { index: 7, signal: "BEARISH", confidence: 71 },
  ]);
});

Deno.test("bollinger scanner: one signal per excursion, none for a flat series", () => {
  // index 5 leaves the lower band; index 6 ([10, 7, 5]) is still outside: no second signal.
  const prices = [10, 11, 10, 11, 10, 7, 5];
  assert.deepEqual(
    bollingerScanner({ period: 3, k: 1 }).scan(prices).map((h) => h.index),
    [5],
  );
  assert.deepEqual(bollingerScanner().scan(new Array(40).fill(50)), []);
});
