import assert from "node:assert/strict";
import { createTestKafka } from "../tests/fixtures/kafka.ts";
import { startNewGroupAtEnd } from "./kafka_group_start.ts";

Deno.test("group start: a new group is committed at the topic's ends once; a started one is kept", async () => {
  await using k = await createTestKafka(3);
  const producer = k.kafka.producer();
  await producer.connect();
  await producer.send({ topic: k.topic, messages: [{ value: "a" }, { value: "b" }], acks: -1 });
  await producer.disconnect();
  const group = `${k.topic}-g`;
  const first = await startNewGroupAtEnd(k.kafka, group, k.topic);
  assert.equal(first.started, true);
  const ends = new Map<number, string>(
    (await fetchTopicOffsets(k)).map((p) => [p.partition, p.high]),
  );
  assert.deepEqual(
    new Map("offsets" in first ? first.offsets.map((o) => [o.partition, o.offset]) : []),
    ends,
  );
  assert.deepEqual(await committed(k, group), ends);
  assert.equal([...ends.values()].reduce((n, o) => n + Number(o), 0), 2);

  assert.deepEqual(await startNewGroupAtEnd(k.kafka, group, k.topic), { started: false });
});

Deno.test("group start: two new dispatchers starting at once both end up with the start committed", async () => {
  await using k = await createTestKafka(3);
  const group = `${k.topic}-g`;
  const results = await Promise.all([
    startNewGroupAtEnd(k.kafka, group, k.topic),
    startNewGroupAtEnd(k.kafka, group, k.topic),
  ]);
  assert.ok(results.some((r) => r.started), JSON.stringify(results));
  assert.ok(results.every((r) => !("uncommitted" in r)), JSON.stringify(results));
  assert.deepEqual(await committed(k, group), new Map([[0, "0"], [1, "0"], [2, "0"]]));
});

async function fetchTopicOffsets(k: { kafka: import("kafkajs").Kafka; topic: string }) {
  const admin = k.kafka.admin();
  await admin.connect();
  try {
    return await admin.fetchTopicOffsets(k.topic);
  } finally {
    await admin.disconnect();
  }
}

async function committed(k: { kafka: import("kafkajs").Kafka; topic: string }, groupId: string) {
  const admin = k.kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [k.topic] });
    return new Map(offsets!.partitions.map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}
