import assert from "node:assert/strict";
import { createSlots } from "./slots.ts";

Deno.test("slots: take and release count, and taking more than free is refused", () => {
  const slots = createSlots(3);
  slots.take(2);
  assert.equal(slots.free(), 1);
  assert.throws(() => slots.take(2), /Cannot take 2 slots: 1 of 3 are free/);
  slots.release(2);
  assert.equal(slots.held(), 0);
  assert.throws(() => slots.release(), /Cannot release 1 slots: 0 are held/);
});

Deno.test("slots: whenFree waits for a release, or for the abort", async () => {
  const slots = createSlots(1);
  slots.take(1);
  let woken = false;
  const waiting = slots.whenFree(new AbortController().signal).then(() => woken = true);
  await Promise.resolve();
  assert.equal(woken, false);
  slots.release();
  await waiting;
  assert.equal(woken, true);

  slots.take(1);
  const stop = new AbortController();
  const aborted = slots.whenFree(stop.signal);
  stop.abort();
  await aborted;
  assert.equal(slots.free(), 0);
});
