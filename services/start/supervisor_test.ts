import assert from "node:assert/strict";
import { restartDelay } from "./supervisor.ts";

Deno.test("restartDelay doubles from one second and is capped", () => {
  assert.deepEqual([1, 2, 3, 4, 10].map((n) => restartDelay(n, 5000)), [
    1000,
    2000,
    4000,
    5000,
    5000,
  ]);
});
