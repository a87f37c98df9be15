import assert from "node:assert/strict";
import { serviceLogger } from "./logging.ts";
import { pollUntil } from "./poll_until.ts";
import { createTestKafka } from "../tests/fixtures/kafka.ts";
import { runWithRestarts } from "./kafka_consumer_restart.ts";

Deno.test("consumer restart: a crash kafkajs does not restart is restarted, and consuming goes on", async () => {
  await using k = await createTestKafka(1);
  const producer = k.kafka.producer();
  await producer.connect();
  const send = (value: string) =>
    producer.send({ topic: k.topic, acks: -1, messages: [{ value }] });
  const consumer = k.kafka.consumer({ groupId: `${k.topic}-g`, retry: { retries: 1 } });
  const seen: string[] = [];
  const down: (string | null)[] = [];
  let crashed = false;
  const config = {
    eachBatch: ({ batch }: { batch: { messages: { value: Uint8Array | null }[] } }) => {
      for (const m of batch.messages) {
        const value = new TextDecoder().decode(m.value!);
        if (value === "crash" && !crashed) {
          crashed = true;
          // retriable: false is what kafkajs does not restart (like "Failed to find group coordinator").
          throw Object.assign(new Error("boom"), { retriable: false });
        }
        seen.push(value);
      }
      return Promise.resolve();
    },
  };
  let stopRestarts = () => {};
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: k.topic, fromBeginning: true });
    stopRestarts = await runWithRestarts(consumer, config, {
      log: serviceLogger("dispatcher", "test"),
      onDown: (reason) => down.push(reason),
      baseMs: 200,
      maxMs: 1000,
    });
    await send("crash");
    await pollUntil("the crash", () => crashed || undefined, { timeoutMs: 30_000 });
    await send("after");
    await pollUntil("the message after the crash", () => seen.includes("after") || undefined, {
      timeoutMs: 30_000,
    });
    assert.deepEqual(seen, ["crash", "after"], "the crashed batch is delivered again");
    assert.equal(down.length, 2, JSON.stringify(down));
    assert.match(down[0]!, /boom/);
    assert.equal(down[1], null);
  } finally {
    stopRestarts();
    await consumer.disconnect();
    await producer.disconnect();
  }
});
