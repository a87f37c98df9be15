import assert from "node:assert/strict";
import { macd } from "./macd.ts";

const round = (xs: (number | null)[]) =>
  xs.map((x) => x == null ? null : Math.round(x * 1e9) / 1e9);

Deno.test("macd: line, signal and histogram on hand-computed values", () => {
  // EMA2 (α 2/3): –, 3/2, 19/6, 115/18, 259/54, 475/162
  // EMA3 (α 1/2): –, –, 7/3, 31/6, 55/12, 79/24
  // MACD: 5/6, 11/9, 23/108, −233/648; signal EMA2 of it: 37/36, 157/324, −19/243
  const result = macd([1, 2, 4, 8, 4, 2], 2, 3, 2);
  assert.deepEqual(round(result.macd), round([null, null, 5 / 6, 11 / 9, 23 / 108, -233 / 648]));
  assert.deepEqual(round(result.signal), round([null, null, null, 37 / 36, 157 / 324, -19 / 243]));
  assert.deepEqual(
    round(result.histogram),
    round([null, null, null, 7 / 36, -22 / 81, -547 / 1944]),
  );
});

Deno.test("macd: default periods need 26 values for the line and 34 for the signal", () => {
  const values = Array.from({ length: 40 }, (_, i) => 100 + Math.sin(i));
  const result = macd(values);
  assert.equal(result.macd.findIndex((x) => x !== null), 25);
  assert.equal(result.signal.findIndex((x) => x !== null), 33);
  assert.equal(result.histogram.findIndex((x) => x !== null), 33);
  assert.deepEqual(macd([1, 2], 2, 3, 2), {
    macd: [null, null],
    signal: [null, null],
    histogram: [null, null],
  });
  assert.throws(() => macd(values, 26, 12), /fast "26" must be less than slow "12"/);
});
