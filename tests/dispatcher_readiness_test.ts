// The dispatcher as a process: /readyz says ready only once its consumer group has its first
// assignment. Before that a new group's start is not committed yet, so a signal sent on "ready"
// must still be consumed: this test sends one the moment it is ready, and it is claimed.
import assert from "node:assert/strict";
import { createTestDatabase } from "./fixtures/database.ts";
import { createTestKafka } from "./fixtures/kafka.ts";
import { createTestRedis } from "./fixtures/redis.ts";
import { insertPipeline, insertUser } from "./fixtures/pipelines.ts";
import { freePort, stackEnv, startService, untilReady } from "./fixtures/processes.ts";
import { pollUntil } from "../shared/poll_until.ts";

Deno.test({
  name: "dispatcher: ready means consuming; a signal sent at once is claimed",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using db = await createTestDatabase();
    await using redis = await createTestRedis();
    await using kafka = await createTestKafka(3);
    const deadLetters = await kafka.createTopic(1);
    const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
      scanner_tickers: ["AAPL"],
    });
    const port = freePort();
    const dispatcher = startService("dispatcher", {
      ...stackEnv({ db, redis, kafka }, deadLetters),
      METRICS_PORT_DISPATCHER: String(port),
    });
    const producer = kafka.kafka.producer();
    try {
      await producer.connect();
      await untilReady(port, { intervalMs: 10 });
      await producer.send({
        topic: kafka.topic,
        acks: -1,
        messages: [{
          value: JSON.stringify({
            tickers: [{ ticker: "AAPL", signal: "BULLISH", confidence: 80 }],
          }),
        }],
      });
      const claimed = await pollUntil("the signal to be claimed", async () => {
        const [row] = await db.sql<[{ n: number }]>`
          select count(*)::int as n from pipeline_executions where pipeline_id = ${pipeline.id}`;
        return row.n > 0 ? row.n : undefined;
      }, { timeoutMs: 20_000 });
      assert.equal(claimed, 1);
    } catch (error) {
      console.error(dispatcher.output().slice(-4000));
      throw error;
    } finally {
      await producer.disconnect();
      await dispatcher.stop();
    }
  },
});
