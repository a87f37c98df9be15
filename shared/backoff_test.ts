import assert from "node:assert/strict";
import { backoffDelay, exponentialDelay, retryWithBackoff } from "./backoff.ts";

Deno.test("backoff: doubles per attempt, jitters within the upper half, caps at max", () => {
  assert.equal(backoffDelay(1, 1, 300, () => 0), 0.5);
  assert.equal(backoffDelay(1, 1, 300, () => 1), 1);
  assert.equal(backoffDelay(3, 1, 300, () => 0), 2);
  assert.equal(backoffDelay(3, 1, 300, () => 1), 4);
  assert.equal(backoffDelay(30, 1, 300, () => 1), 300);
  assert.equal(backoffDelay(30, 1, 300, () => 0), 150);
  assert.equal(backoffDelay(1000, 100, 500, () => 1), 500);
  assert.equal(backoffDelay(2, 0, 300), 0);
});

Deno.test("backoff: without jitter, base times two per attempt up to max, unbounded by Infinity", () => {
  assert.deepEqual([1, 2, 3, 4, 10].map((n) => exponentialDelay(n, 250, 1000)), [
    250,
    500,
    1000,
    1000,
    1000,
  ]);
  assert.equal(exponentialDelay(0, 250, 1000), 250);
  assert.equal(exponentialDelay(11, 1, Infinity), 1024);
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
