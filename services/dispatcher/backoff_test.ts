import assert from "node:assert/strict";
import { backoffDelayMs, retryWithBackoff } from "./backoff.ts";

Deno.test("backoff: doubles from the base and stops at the cap", () => {
  assert.deepEqual([1, 2, 3, 4].map((a) => backoffDelayMs(a, 100, 500)), [100, 200, 400, 500]);
  assert.equal(backoffDelayMs(100, 100, 500, 1), 500);
  assert.equal(backoffDelayMs(1, 100, 500, 0), 80);
});

Deno.test("backoff: retries until the operation succeeds", async () => {
  let calls = 0;
  const retries: number[] = [];
  const result = await retryWithBackoff(() => {
    calls++;
    return calls < 3 ? Promise.reject(new Error("down")) : Promise.resolve("up");
  }, { signal: new AbortController().signal, baseMs: 1, onRetry: (_e, a) => retries.push(a) });
  assert.equal(result, "up");
  assert.deepEqual(retries, [1, 2]);
});

Deno.test("backoff: an abort ends the retries with the last error", async () => {
  const controller = new AbortController();
  await assert.rejects(
    retryWithBackoff(() => Promise.reject(new Error("still down")), {
      signal: controller.signal,
      baseMs: 10_000,
      onRetry: () => controller.abort(),
    }),
    /still down/,
  );
});
