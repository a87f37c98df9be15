import assert from "node:assert/strict";
import { type BatchPolicy, flushDelayMs, RateMeter } from "./batcher.ts";

const policy: BatchPolicy = { size: 20, maxSize: 5000, timeoutMs: 500, minIntervalMs: 0 };
const at = (buffered: number, waitedMs: number, ratePerSecond: number) => ({
  buffered,
  oldestAtMs: 1000,
  nowMs: 1000 + waitedMs,
  ratePerSecond,
  lastFlushAtMs: -Infinity,
});

Deno.test("batcher: nothing buffered never flushes", () => {
  assert.equal(flushDelayMs(at(0, 0, 1000), policy), Infinity);
});

Deno.test("batcher: BATCH_SIZE reached flushes now (the seed's rule)", () => {
  assert.equal(flushDelayMs(at(20, 0, 1000), policy), 0);
  assert.equal(flushDelayMs(at(3, 0, 0), { ...policy, size: 100, maxSize: 3 }), 0);
});

Deno.test("batcher: BATCH_TIMEOUT reached flushes now (the seed's rule)", () => {
  assert.equal(flushDelayMs(at(5, 500, 30), policy), 0);
});

Deno.test("batcher: a lone signal at low rate is flushed at once, not after the timeout", () => {
  assert.equal(flushDelayMs(at(1, 0, 0), policy), 0);
  assert.equal(flushDelayMs(at(1, 0, 2), policy), 0);
});

Deno.test("batcher: at moderate rate it waits just long enough to fill BATCH_SIZE", () => {
  assert.equal(flushDelayMs(at(1, 0, 500), policy), 38);
  assert.equal(flushDelayMs(at(10, 100, 100), policy), 100);
  // 10 more at 25/s need 400 ms but only 300 ms remain: go now.
  assert.equal(flushDelayMs(at(10, 200, 25), policy), 0);
});

Deno.test("batcher: with pacing, a claim starts at most once per interval", () => {
  const paced = { ...policy, minIntervalMs: 33 };
  // The last claim started 10 ms ago: wait 23 ms for the next slot, whatever is buffered.
  assert.equal(flushDelayMs({ ...at(1, 0, 10_000), lastFlushAtMs: 990 }, paced), 23);
  assert.equal(flushDelayMs({ ...at(400, 0, 10_000), lastFlushAtMs: 990 }, paced), 23);
  // Long enough since the last claim: a lone signal goes at once (no waiting for company).
  assert.equal(flushDelayMs({ ...at(1, 0, 100), lastFlushAtMs: 900 }, paced), 0);
  // The timeout bounds the wait; BATCH_MAX_SIZE goes at once.
  assert.equal(flushDelayMs({ ...at(5, 490, 100), lastFlushAtMs: 1480 }, paced), 10);
  assert.equal(flushDelayMs({ ...at(5000, 0, 10_000), lastFlushAtMs: 1000 }, paced), 0);
});

Deno.test("batcher: rate meter decays over its time constant", () => {
  const meter = new RateMeter(1000);
  assert.equal(meter.perSecond(0), 0);
  for (let t = 0; t < 5000; t += 10) meter.observe(5, t);
  assert.ok(Math.abs(meter.perSecond(4990) - 500) < 5, `got ${meter.perSecond(4990)}`);
  assert.ok(meter.perSecond(14_990) < 0.05);
});
