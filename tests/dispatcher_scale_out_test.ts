import assert from "node:assert/strict";
import { createTestDatabase } from "./fixtures/database.ts";
import { createTestKafka } from "./fixtures/kafka.ts";
import { insertPipeline, insertUser } from "./fixtures/pipelines.ts";
import { createTestRedis } from "./fixtures/redis.ts";
import { pollUntil } from "../shared/poll_until.ts";
import { serviceTaskArgs } from "../shared/service_tasks.ts";

const TICKERS = ["AAPL", "MSFT", "NVDA", "AMZN"];

function freePort(): number {
  const listener = Deno.listen({ port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Waits for `read()` to satisfy `done`; on a timeout the error's cause names the last value. */
const until = <T>(what: string, read: () => Promise<T>, done: (v: T) => boolean) =>
  pollUntil(what, async () => {
    const value = await read();
    if (!done(value)) throw new Error(`last: ${value}`);
    return value;
  }, { timeoutMs: 60_000, intervalMs: 200 });

Deno.test("dispatcher: two processes sharing the topic with 2 000 signals create no double execution", async () => {
  await using db = await createTestDatabase();
  await using r = await createTestRedis();
  await using k = await createTestKafka(4);
  const groupId = `${k.topic}-g`;
  const owner = await insertUser(db.sql);
  const allow = await insertPipeline(db.sql, owner, {
    overlap_policy: "allow",
    scanner_tickers: TICKERS,
  });
  const skip = await insertPipeline(db.sql, owner, { scanner_tickers: TICKERS });
  const admin = k.kafka.admin();
  await admin.connect();
  await admin.setOffsets({
    groupId,
    topic: k.topic,
    partitions: [0, 1, 2, 3].map((partition) => ({ partition, offset: "0" })),
  });

  const ports = [freePort(), freePort()];
  const processes = ports.map((port) =>
    new Deno.Command(Deno.execPath(), {
      args: serviceTaskArgs("dispatcher"),
      env: {
        DATABASE_URL: db.url,
        REDIS_KEY_PREFIX: r.prefix,
        KAFKA_BOOTSTRAP_SERVERS: k.brokers,
        KAFKA_SIGNAL_TOPIC: k.topic,
        KAFKA_DEAD_LETTER_TOPIC: `${k.topic}-dlq`,
        KAFKA_CONSUMER_GROUP: groupId,
        METRICS_PORT_DISPATCHER: String(port),
        LOG_LEVEL: "warning",
        LOG_FORMAT: "json",
      },
      stdout: "null",
      stderr: "inherit",
    }).spawn()
  );
  const consumed = async (port: number) => {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((res) => res.text())
      .catch(() => "");
    return Number(/^tickwire_dispatcher_signals_consumed_total (\d+)/m.exec(text)?.[1] ?? 0);
  };
  try {
    await until("both dispatchers in the group", async () => {
      const { groups: [group] } = await admin.describeGroups([groupId]);
      return group?.state === "Stable" ? group.members.length : 0;
    }, (n) => n === 2);

    const producer = k.kafka.producer();
    await producer.connect();
    for (let round = 0; round < 4; round++) {
      await producer.send({
        topic: k.topic,
        acks: -1,
        messages: Array.from({ length: 500 }, (_, i) => {
          const n = round * 500 + i;
          const ticker = TICKERS[n % TICKERS.length]!;
          return {
            key: ticker,
            value: JSON.stringify({
              ticker,
              signal: "BULLISH",
              confidence: 80,
              signal_id: `sig-${n}`,
            }),
          };
        }),
      });
    }
    await producer.disconnect();

    await until("every offset committed", async () => {
      const ends = await admin.fetchTopicOffsets(k.topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [k.topic] });
      return ends.every((e) =>
        committed!.partitions.find((c) => c.partition === e.partition)?.offset === e.high
      );
    }, Boolean);

    const rows = await db.sql<{ pipeline_id: string; signal_id: string; n: number }[]>`
      select pipeline_id, signal_id, count(*)::int as n from pipeline_executions
      group by pipeline_id, signal_id`;
    assert.ok(rows.every((row) => row.n === 1), "an execution ran twice for one signal");
    assert.equal(rows.filter((row) => row.pipeline_id === allow.id).length, 2000);
    assert.equal(rows.filter((row) => row.pipeline_id === skip.id).length, 1);
    const jobs = await r.redis.xrange(r.names.jobsStream, "-", "+");
    const ids = jobs.map(([, fields]) => fields[1]);
    assert.equal(ids.length, 2001);
    assert.equal(new Set(ids).size, 2001, "a job was enqueued twice");
    const counts = await Promise.all(ports.map(consumed));
    assert.ok(counts.every((c) => c > 0), `both dispatchers consumed: ${counts}`);
  } finally {
    for (const p of processes) p.kill("SIGTERM");
    await Promise.all(processes.map((p) => p.status));
    await admin.deleteTopics({ topics: [`${k.topic}-dlq`] }).catch(() => {});
    await admin.disconnect();
  }
});
