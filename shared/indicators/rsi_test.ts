import assert from "node:assert/strict";
import { rsi } from "./rsi.ts";

const round = (xs: (number | null)[]) =>
  xs.map((x) => x == null ? null : Math.round(x * 1e9) / 1e9);

Deno.test("rsi: Wilder smoothing on hand-computed values", () => {
  // changes +1 −1 +2 +1 −1; first averages gain 3/3 = 1, loss 1/3 → RS 3 → 75
  // then gain (1·2 + 1)/3 = 1, loss (1/3·2)/3 = 2/9 → RS 4.5 → 100 − 100/5.5
  // then gain (1·2)/3 = 2/3, loss (2/9·2 + 1)/3 = 13/27 → RS 18/13 → 100 − 1300/31
  assert.deepEqual(
    round(rsi([10, 11, 10, 12, 13, 12], 3)),
    round([null, null, null, 75, 100 - 100 / 5.5, 100 - 1300 / 31]),
  );
});

Deno.test("rsi: only gains is 100, a flat series is 50, too short is all null", () => {
  assert.deepEqual(rsi([1, 2, 3, 4], 2), [null, null, 100, 100]);
  assert.deepEqual(rsi([5, 5, 5], 2), [null, null, 50]);
  assert.deepEqual(rsi([1, 2, 3], 3), [null, null, null]);
  assert.equal(rsi(Array.from({ length: 15 }, (_, i) => 15 - i)).at(-1), 0);
});
