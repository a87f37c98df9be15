import assert from "node:assert/strict";
import { atr } from "./atr.ts";

const round = (xs: (number | null)[]) =>
  xs.map((x) => x == null ? null : Math.round(x * 1e9) / 1e9);

Deno.test("atr: true range with gaps, Wilder smoothing", () => {
  const bars = [
    { high: 10, low: 8, close: 9 }, // TR 2 (first bar: high − low)
    { high: 11, low: 9, close: 10.5 }, // TR max(2, 2, 0) = 2
    { high: 10.5, low: 9.5, close: 10 }, // TR max(1, 0, 1) = 1 → ATR (2 + 2 + 1)/3
    { high: 14, low: 13, close: 13.5 }, // gap up: TR max(1, 4, 3) = 4 → (5/3·2 + 4)/3
    { high: 13, low: 11, close: 12 }, // TR max(2, 0.5, 2.5) = 2.5 → (22/9·2 + 2.5)/3
  ];
  assert.deepEqual(round(atr(bars, 3)), round([null, null, 5 / 3, 22 / 9, 66.5 / 27]));
  assert.deepEqual(atr(bars.slice(0, 2)), [null, null]);
});
