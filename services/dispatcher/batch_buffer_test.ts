import assert from "node:assert/strict";
import { createBatchBuffer } from "./batch_buffer.ts";
import { decodeMessage } from "./decoded_message.ts";

const message = (partition: number, offset: number) =>
  decodeMessage("t", partition, {
    offset: String(offset),
    timestamp: "0",
    key: null,
    value: new TextEncoder().encode('{"ticker":"AAPL","signal":"BULLISH","confidence":1}'),
  });

Deno.test("batch buffer: a lone message flushes at once; with two flushes in flight, arrivals wait to form the third batch", async () => {
  const batches: string[][] = [];
  const releases: (() => void)[] = [];
  const buffer = createBatchBuffer({
    policy: { size: 20, maxSize: 100, timeoutMs: 500, minIntervalMs: 0 },
    flush: async (messages) => {
      batches.push(messages.map((m) => `${m.partition}@${m.offset}`));
      if (batches.length <= 2) await new Promise<void>((r) => releases.push(r));
    },
    onFlushError: (error) => assert.fail(String(error)),
  });
  buffer.add([message(0, 1)]);
  assert.deepEqual(batches, [["0@1"]]);
  buffer.add([message(1, 2)]);
  assert.deepEqual(batches, [["0@1"], ["1@2"]]);
  for (let i = 0; i < 25; i++) buffer.add([message(i % 3, 10 + i)]);
  assert.equal(batches.length, 2);
  releases[0]!();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(batches.length, 3);
  assert.equal(batches[2]!.length, 25);
  releases[1]!();
  await buffer.drain();
  assert.equal(batches.length, 3);
});

Deno.test("batch buffer: with depth 1, arrivals during a flush form the next batch", async () => {
  const batches: number[] = [];
  let release!: () => void;
  const buffer = createBatchBuffer({
    policy: { size: 20, maxSize: 100, timeoutMs: 500, minIntervalMs: 0 },
    depth: 1,
    flush: async (messages) => {
      batches.push(messages.length);
      if (batches.length === 1) await new Promise<void>((r) => release = r);
    },
    onFlushError: (error) => assert.fail(String(error)),
  });
  buffer.add([message(0, 1)]);
  for (let i = 0; i < 25; i++) buffer.add([message(i % 3, 10 + i)]);
  assert.deepEqual(batches, [1]);
  release();
  await buffer.drain();
  assert.deepEqual(batches, [1, 25]);
});

Deno.test("batch buffer: BATCH_MAX_SIZE caps a batch and blocks the consumer until there is room", async () => {
  const sizes: number[] = [];
  const buffer = createBatchBuffer({
    policy: { size: 1, maxSize: 4, timeoutMs: 500, minIntervalMs: 0 },
    flush: async (messages) => {
      sizes.push(messages.length);
      await new Promise((r) => setTimeout(r, 5));
    },
    onFlushError: (error) => assert.fail(String(error)),
  });
  buffer.add([message(0, 0)]);
  buffer.add(Array.from({ length: 13 }, (_, i) => message(0, i + 1)));
  // Two flushes in flight (1 and 4 messages), 9 left: the consumer must wait.
  assert.deepEqual(sizes, [1, 4]);
  assert.equal(buffer.buffered, 9);
  let ticks = 0;
  await buffer.waitForRoom(() => Promise.resolve(void ticks++), new AbortController().signal);
  assert.ok(buffer.buffered < 4, `still ${buffer.buffered} buffered`);
  await buffer.drain();
  assert.deepEqual(sizes, [1, 4, 4, 4, 1]);
});

Deno.test("batch buffer: after a failed flush nothing later is flushed, and the flush in flight beside it fails too", async () => {
  const flushed: number[] = [];
  const errors: unknown[] = [];
  let fail!: (error: Error) => void;
  const first = new Promise<void>((_, reject) => fail = reject);
  const buffer = createBatchBuffer({
    policy: { size: 1, maxSize: 10, timeoutMs: 500, minIntervalMs: 0 },
    // The second flush fails with the first, as batch_processor.ts' does.
    flush: (messages) => {
      flushed.push(messages.length);
      return flushed.length === 1 ? first : first.then(() => {});
    },
    onFlushError: (error) => errors.push(error),
  });
  buffer.add([message(0, 0)]);
  buffer.add([message(0, 1), message(0, 2)]);
  buffer.add([message(0, 3)]);
  assert.deepEqual(flushed, [1, 2]);
  fail(new Error("shutdown"));
  await buffer.drain();
  buffer.add([message(0, 4)]);
  await buffer.drain();
  assert.deepEqual(flushed, [1, 2]);
  assert.equal(errors.length, 2);
  assert.equal(buffer.buffered, 0);
});
