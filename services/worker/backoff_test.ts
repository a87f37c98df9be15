import assert from "node:assert/strict";
import { retryDelaySeconds } from "./backoff.ts";

Deno.test("backoff: doubles per attempt, jitters within the upper half, caps at max", () => {
  assert.equal(retryDelaySeconds(1, 1, 300, () => 0), 0.5);
  assert.equal(retryDelaySeconds(1, 1, 300, () => 1), 1);
  assert.equal(retryDelaySeconds(3, 1, 300, () => 0), 2);
  assert.equal(retryDelaySeconds(3, 1, 300, () => 1), 4);
  assert.equal(retryDelaySeconds(30, 1, 300, () => 1), 300);
  assert.equal(retryDelaySeconds(30, 1, 300, () => 0), 150);
  assert.equal(retryDelaySeconds(2, 0, 300), 0);
});
