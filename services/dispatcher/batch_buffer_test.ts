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

Deno.test("batch buffer: a lone message flushes at once; arrivals during a flush form the next batch", async () => {
  const batches: string[][] = [];
  let release!: () => void;
  const buffer = createBatchBuffer({
    policy: { size: 20, maxSize: 100, timeoutMs: 500, minIntervalMs: 0 },
    flush: async (messages) => {
      batches.push(messages.map((m) => `${m.partition}@${m.offset}`));
      if (batches.length === 1) await new Promise<void>((r) => release = r);
    },
    onFlushError: (error) => assert.fail(String(error)),
  });
  buffer.add([message(0, 1)]);
  assert.deepEqual(batches, [["0@1"]]);
  for (let i = 0; i < 25; i++) buffer.add([message(i % 3, 10 + i)]);
  assert.equal(batches.length, 1);
  release();
  await buffer.drain();
  assert.equal(batches.length, 2);
  assert.equal(batches[1]!.length, 25);
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
  buffer.add(Array.from({ length: 9 }, (_, i) => message(0, i + 1)));
  assert.equal(buffer.buffered, 9);
  let ticks = 0;
  await buffer.waitForRoom(() => Promise.resolve(void ticks++), new AbortController().signal);
  assert.ok(buffer.buffered < 4, `still ${buffer.buffered} buffered`);
  await buffer.drain();
  assert.deepEqual(sizes, [1, 4, 4, 1]);
});

Deno.test("batch buffer: after a failed flush nothing later is flushed (no commit past it)", async () => {
  const flushed: number[] = [];
  const errors: unknown[] = [];
  let fail = true;
  const buffer = createBatchBuffer({
    policy: { size: 1, maxSize: 10, timeoutMs: 500, minIntervalMs: 0 },
    flush: (messages) => {
      flushed.push(messages.length);
      return fail ? Promise.reject(new Error("shutdown")) : Promise.resolve();
    },
    onFlushError: (error) => errors.push(error),
  });
  buffer.add([message(0, 0)]);
  buffer.add([message(0, 1)]);
  fail = false;
  await buffer.drain();
  buffer.add([message(0, 2)]);
  await buffer.drain();
  assert.deepEqual(flushed, [1]);
  assert.equal(errors.length, 1);
});
