import assert from "node:assert/strict";
import { planCompletion } from "./completion.ts";

const now = new Date("2025-01-02T03:04:05.000Z");
const failed = (retryable: boolean) => ({
  status: "failed" as const,
  steps: [],
  result: { outputs: {} },
  error: 'Step "a" (webhook) failed: boom',
  retryable,
});

Deno.test("completion: success and skip are recorded as they are", () => {
  const ok = planCompletion(
    { status: "succeeded", steps: [], result: { outputs: {} } },
    1,
    3,
    1,
    now,
  );
  assert.equal(ok.counted, "succeeded");
  assert.equal(ok.completion.status, "succeeded");
  assert.equal(ok.deadLetterReason, null);
});

Deno.test("completion: a retryable failure with attempts left is retried after the delay", () => {
  const plan = planCompletion(failed(true), 1, 3, 2.5, now);
  assert.equal(plan.counted, "retried");
  assert.deepEqual(plan.completion, {
    status: "queued",
    steps: [],
    error: 'Step "a" (webhook) failed: boom',
    retryAt: new Date("2025-01-02T03:04:07.500Z"),
  });
});

Deno.test("completion: the last attempt fails and is dead-lettered with the reason", () => {
  const plan = planCompletion(failed(true), 3, 3, 1, now);
  assert.equal(plan.completion.status, "failed");
  assert.equal(
    plan.deadLetterReason,
    'Gave up after 3 of 3 attempts: Step "a" (webhook) failed: boom',
  );
});

Deno.test("completion: a non-retryable failure fails at once, not dead-lettered", () => {
  const plan = planCompletion(failed(false), 1, 3, 1, now);
  assert.equal(plan.completion.status, "failed");
  assert.equal(plan.completion.error, 'Step "a" (webhook) failed: boom');
  assert.equal(plan.deadLetterReason, null);
});
