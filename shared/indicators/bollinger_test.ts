import assert from "node:assert/strict";
import { bollinger } from "./bollinger.ts";

const round = (xs: (number | null)[]) =>
  xs.map((x) => x == null ? null : Math.round(x * 1e9) / 1e9);

Deno.test("bollinger: SMA ± k population standard deviations", () => {
  // [1,2,3]: mean 2, σ² = (1 + 0 + 1)/3; [2,3,5]: mean 10/3, σ² = (16 + 1 + 25)/9/3 = 14/9
  const bands = bollinger([1, 2, 3, 5], 3, 2);
  const sd1 = Math.sqrt(2 / 3);
  const sd2 = Math.sqrt(14) / 3;
  assert.deepEqual(round(bands.middle), round([null, null, 2, 10 / 3]));
  assert.deepEqual(round(bands.upper), round([null, null, 2 + 2 * sd1, 10 / 3 + 2 * sd2]));
  assert.deepEqual(round(bands.lower), round([null, null, 2 - 2 * sd1, 10 / 3 - 2 * sd2]));
});

Deno.test("bollinger: a constant series has zero-width bands", () => {
  const bands = bollinger(new Array(20).fill(7));
  assert.equal(bands.upper[19], 7);
  assert.equal(bands.lower[19], 7);
  assert.equal(bands.middle[18], null);
});
