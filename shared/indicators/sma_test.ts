import assert from "node:assert/strict";
import { sma } from "./sma.ts";

Deno.test("sma: mean of the trailing window, null until the window is full", () => {
  assert.deepEqual(sma([1, 2, 3, 4, 5], 3), [null, null, 2, 3, 4]);
  assert.deepEqual(sma([4, 8], 1), [4, 8]);
  assert.deepEqual(sma([1, 2], 3), [null, null]);
  assert.deepEqual(sma([], 3), []);
});

Deno.test("sma: rejects a period that is not a whole number of at least 1", () => {
  assert.throws(() => sma([1], 0), /Cannot compute SMA: period "0" must be a whole number/);
  assert.throws(() => sma([1], 2.5), RangeError);
});
