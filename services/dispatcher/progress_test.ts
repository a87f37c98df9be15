import assert from "node:assert/strict";
import { clearFailure, createProgress, reportFailure, stallReason } from "./progress.ts";

Deno.test("progress: idle or committing is ready; a batch stuck past the bound is not, naming the stage", () => {
  const p = createProgress(0);
  assert.equal(stallReason(p, 600_000, 60_000), null, "idle, no lag: ready however long");
  p.batchStartedMs = 600_000;
  assert.equal(stallReason(p, 650_000, 60_000), null, "in flight for 50 s");
  p.failing = { stage: "claim", failures: 7, error: "connection refused" };
  p.lag = 42;
  assert.equal(
    stallReason(p, 661_000, 60_000),
    'No offsets committed for 661 s with 42 messages behind; stage "claim" failed 7 times: connection refused',
  );
});

Deno.test("progress: lag with no commit for longer than the bound is a stall even between batches", () => {
  const p = createProgress(0);
  p.lag = 5;
  assert.equal(stallReason(p, 59_000, 60_000), null);
  assert.match(stallReason(p, 61_000, 60_000)!, /5 messages behind; no batch is being processed$/);
});

Deno.test("progress: a stage that passes clears its own failure, never the other batch's", () => {
  const p = createProgress(0);
  const first = {};
  const second = {};
  reportFailure(p, first, { stage: "commit", failures: 1, error: "broker away" });
  clearFailure(p, second);
  assert.equal(p.failing?.stage, "commit", "the second batch's claim passed");
  reportFailure(p, second, { stage: "enqueue", failures: 1, error: "redis away" });
  reportFailure(p, first, { stage: "commit", failures: 2, error: "broker away" });
  assert.deepEqual(p.failing, { stage: "commit", failures: 2, error: "broker away" });
  clearFailure(p, first);
  assert.deepEqual(p.failing, { stage: "enqueue", failures: 1, error: "redis away" });
  clearFailure(p, second);
  assert.equal(p.failing, null);
});
