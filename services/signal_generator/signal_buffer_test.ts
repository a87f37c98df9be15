import assert from "node:assert/strict";
import { SignalBuffer } from "./signal_buffer.ts";

Deno.test("signal buffer: FIFO, and a full buffer drops the oldest and says how many", () => {
  const buffer = new SignalBuffer<number>(3);
  assert.equal(buffer.push([1, 2]), 0);
  assert.equal(buffer.push([3, 4, 5]), 2);
  assert.equal(buffer.size, 3);
  assert.deepEqual(buffer.take(2), [3, 4]);
  assert.deepEqual(buffer.take(5), [5]);
  assert.deepEqual(buffer.take(1), []);
});

Deno.test("signal buffer: a failed batch goes back in front; overflow drops the batch's oldest", () => {
  const buffer = new SignalBuffer<string>(4);
  buffer.push(["a", "b", "c"]);
  const batch = buffer.take(2);
  buffer.push(["d", "e"]); // queued while the batch was in flight
  assert.equal(buffer.requeue(batch), 1, "a is the oldest and makes room");
  assert.deepEqual(buffer.take(10), ["b", "c", "d", "e"]);
  assert.throws(() => new SignalBuffer(0), /max "0" must be at least 1/);
});
