import assert from "node:assert/strict";
import type { StreamEntry } from "./job_stream.ts";
import { READ_LOOP_BACKOFF_MAX_MS, runReadLoop } from "./read_loop.ts";
import { createSlots } from "./slots.ts";

const entries = (n: number, from = 0): StreamEntry[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${from + i}-0`, fields: [], reclaimed: false }));

/** Lets the loop run every step it can without a timer. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

Deno.test("read loop: never takes more entries than free slots, counting starts in flight", async () => {
  const slots = createSlots(5);
  const held = createSlots(8);
  const asked: { count: number; free: number }[] = [];
  let next = 0;
  // Every delivery's start stays in flight until the test lets it go.
  const starts: { n: number; done: PromiseWithResolvers<void> }[] = [];
  const stop = new AbortController();
  const loop = runReadLoop({
    pools: [slots, held],
    maxPerRead: 3,
    read(count) {
      asked.push({ count, free: Math.min(slots.free(), held.free()) });
      // The stream always has more than is asked for.
      const got = entries(count, next);
      next += count;
      return Promise.resolve(got);
    },
    deliver(got) {
      const done = Promise.withResolvers<void>();
      starts.push({ n: got.length, done });
      return done.promise;
    },
    onError: (error) => assert.fail(`unexpected failure: ${error}`),
  }, stop.signal);

  await settle();
  // 3 (the most per read), then the 2 left; then nothing while both starts are in flight.
  assert.deepEqual(asked.map((a) => a.count), [3, 2]);
  assert.equal(slots.held(), 5);
  // A start returns and its runs end: their run slots free, the outcomes still hold a slot each.
  slots.release(3);
  await settle();
  assert.deepEqual(asked.map((a) => a.count), [3, 2, 3]);
  assert.equal(held.held(), 8);
  // Only the second pool is full now: one free there allows a read of one.
  slots.release(2);
  held.release(1);
  await settle();
  assert.deepEqual(asked.map((a) => a.count), [3, 2, 3, 1]);
  for (const a of asked) assert.ok(a.count <= a.free, `asked ${a.count} with ${a.free} free`);
  assert.equal(next, 9);
  assert.ok(slots.held() <= slots.capacity && held.held() <= held.capacity);

  stop.abort();
  held.release(held.held());
  for (const s of starts) s.done.resolve();
  await loop;
});

Deno.test("read loop: a failed delivery makes it back off before the next read", async () => {
  const slots = createSlots(2);
  const errors: number[] = [];
  let reads = 0;
  const stop = new AbortController();
  const loop = runReadLoop({
    pools: [slots],
    read(count) {
      if (++reads > 50) stop.abort();
      return Promise.resolve(entries(count));
    },
    deliver(got) {
      slots.release(got.length);
      return Promise.reject(new Error("Postgres is down"));
    },
    onError(_error, failures) {
      errors.push(failures);
      if (failures === 3) stop.abort();
    },
    backoffBaseMs: 1,
    backoffMaxMs: 2,
  }, stop.signal);
  await loop;
  assert.deepEqual(errors, [1, 2, 3]);
  // Without the backoff it would read without pause; with it, at most the read already out when
  // the failure arrived, plus the one after the wait.
  assert.ok(reads <= 6, `${reads} reads for 3 failures`);
});

Deno.test("read loop: by default no wait after a failure is longer than 5 s, so an outage costs at most 5 s more", async () => {
  const stop = new AbortController();
  const delays: number[] = [];
  await runReadLoop({
    pools: [createSlots(1)],
    read: () => Promise.reject(new Error("Postgres is down")),
    deliver: () => Promise.resolve(),
    onError(_error, failures, delayMs) {
      delays.push(delayMs);
      if (failures === 5) stop.abort();
    },
  }, stop.signal);
  // 0.5 + 1 + 2 + 4 s waited; the fifth would have been 8 s (and the sixth 16 s) with a 30 s cap.
  assert.deepEqual(delays, [500, 1000, 2000, 4000, READ_LOOP_BACKOFF_MAX_MS]);
  assert.equal(READ_LOOP_BACKOFF_MAX_MS, 5000);
});
