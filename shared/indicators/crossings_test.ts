import assert from "node:assert/strict";
import { crossings } from "./crossings.ts";

Deno.test("crossings: sign changes after the initial state; zeros and nulls keep the sign", () => {
  assert.deepEqual(crossings([null, 1, 0, -1, -2, 0, 3]), [
    { index: 3, direction: -1 },
    { index: 6, direction: 1 },
  ]);
  assert.deepEqual(crossings([-1, 0, -1]), [], "a touch of zero that turns back is no crossing");
  assert.deepEqual(crossings([2, 3]), [], "the initial state is no crossing");
  assert.deepEqual(crossings([null, null]), []);
});
