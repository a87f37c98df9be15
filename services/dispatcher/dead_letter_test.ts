import assert from "node:assert/strict";
import type { Redis } from "../../shared/redis.ts";
import { createTestKafka, type TestKafka } from "../../tests/fixtures/kafka.ts";
import { createTestRedis } from "../../tests/fixtures/redis.ts";
import { createDeadLetterWriter, type DeadLetter } from "./dead_letter.ts";

const letters: DeadLetter[] = [1, 2, 3].map((offset) => ({
  topic: "signals",
  partition: 0,
  offset: String(offset),
  timestampMs: 0,
  key: null,
  signalIndex: null,
  reason: "malformed",
  error: "not JSON",
  payload: new TextEncoder().encode("{not json"),
}));

/** The real client, except that the first `failures` mark pipelines fail (as if the process died). */
function markFailing(redis: Redis, failures: number): Redis {
  let left = failures;
  return new Proxy(redis, {
    get(target, property, receiver) {
      if (property !== "pipeline" || left === 0) return Reflect.get(target, property, receiver);
      left--;
      return () => ({
        set() {
          return this;
        },
        exec: () => Promise.reject(new Error("died after the broker's ack, before the mark")),
      });
    },
  });
}

async function lettersOnTopic(k: TestKafka, topic: string): Promise<number> {
  const admin = k.kafka.admin();
  await admin.connect();
  try {
    const [end] = await admin.fetchTopicOffsets(topic);
    return Number(end!.high);
  } finally {
    await admin.disconnect();
  }
}

Deno.test("dead letters: a retry in the same process sends none again; a crash between the ack and the mark sends each once more, once", async () => {
  await using k = await createTestKafka(1);
  await using r = await createTestRedis();
  const dlq = await k.createTopic(1);
  const producer = k.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const writer = (redis: Redis) =>
      createDeadLetterWriter({ producer, topic: dlq, redis, names: r.names });

    // One process: the mark fails once, the stage retries: the letters are not sent again.
    const first = writer(markFailing(r.redis, 1));
    await assert.rejects(first(letters), /before the mark/);
    assert.equal(await lettersOnTopic(k, dlq), 3);
    await first(letters);
    assert.equal(await lettersOnTopic(k, dlq), 3);
    // Marked: a redelivered batch in a new process sends nothing.
    await writer(r.redis)(letters);
    assert.equal(await lettersOnTopic(k, dlq), 3);

    // The window: a process dies after the ack and before the mark; the next one sends again.
    const more = letters.map((l) => ({ ...l, offset: String(Number(l.offset) + 10) }));
    await assert.rejects(writer(markFailing(r.redis, 1))(more), /before the mark/);
    await writer(r.redis)(more);
    assert.equal(await lettersOnTopic(k, dlq), 9, "one more copy of each, and no more");
    await writer(r.redis)(more);
    assert.equal(await lettersOnTopic(k, dlq), 9);
  } finally {
    await producer.disconnect();
  }
});
