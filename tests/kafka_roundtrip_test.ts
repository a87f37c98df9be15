import assert from "node:assert/strict";
import { createTestKafka } from "./fixtures/kafka.ts";
import { withTimeout } from "../shared/timeout.ts";

Deno.test("kafka: produce then consume with kafkajs under Deno", async () => {
  await using t = await createTestKafka(3);
  const producer = t.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const sent = Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}` }));
  await producer.send({ topic: t.topic, acks: -1, messages: sent });
  await producer.disconnect();

  const consumer = t.kafka.consumer({ groupId: `${t.topic}-g` });
  await consumer.connect();
  await consumer.subscribe({ topic: t.topic, fromBeginning: true });
  const received: string[] = [];
  try {
    // Fails instead of hanging when the messages never arrive.
    await withTimeout(
      new Promise<void>((resolve) => {
        consumer.run({
          eachMessage: ({ message }) => {
            received.push(message.value!.toString());
            if (received.length === sent.length) resolve();
            return Promise.resolve();
          },
        });
      }),
      30_000,
      `the consumer to receive ${sent.length} messages`,
    );
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual(received.sort(), sent.map((m) => m.value).sort());
});
