import assert from "node:assert/strict";
import { ema } from "./ema.ts";

Deno.test("ema: seeded with the SMA of the first period values, then α = 2 / (period + 1)", () => {
  // α = 2/3: seed (2 + 4) / 2 = 3; 2/3·6 + 1/3·3 = 5; 2/3·8 + 1/3·5 = 7; 2/3·4 + 1/3·7 = 5
  assert.deepEqual(ema([2, 4, 6, 8, 4], 2), [null, 3, 5, 7, 5]);
  // α = 1/2: seed 2; then 3, 4, 5
  assert.deepEqual(ema([1, 2, 3, 4, 5, 6], 3), [null, null, 2, 3, 4, 5]);
  assert.deepEqual(ema([1, 2], 3), [null, null]);
});
