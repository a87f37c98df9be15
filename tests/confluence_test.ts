/**
 * Confluence through a real dispatcher process: two of two sources within the window fire once,
 * one alone or two outside the window do not, a dispatcher killed (SIGKILL) between the two
 * signals still fires once after a new one starts, from the state it left in Redis, and the same
 * sources signalling again inside the window do not fire it again.
 */
import assert from "node:assert/strict";
import { pollUntil } from "../shared/poll_until.ts";
import { createTestDatabase } from "./fixtures/database.ts";
import { createTestKafka } from "./fixtures/kafka.ts";
import { insertPipeline, insertUser } from "./fixtures/pipelines.ts";
import {
  freePort,
  type ServiceProcess,
  stackEnv,
  startService,
  untilReady,
} from "./fixtures/processes.ts";
import { createTestRedis } from "./fixtures/redis.ts";

Deno.test({
  name: "confluence: 2 of 2 fire once, across a dispatcher killed between the two signals",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using db = await createTestDatabase();
    await using redis = await createTestRedis();
    await using kafka = await createTestKafka(1);
    const dlq = await kafka.createTopic(1);
    const group = `${kafka.topic}-dispatcher`;
    const env = {
      ...stackEnv({ db, redis, kafka }, dlq),
      BATCH_TIMEOUT_SECONDS: "0.05",
    };
    const owner = await insertUser(db.sql);
    const pipeline = await insertPipeline(db.sql, owner, {
      scanner_tickers: ["AAPL", "MSFT"],
      overlap_policy: "allow",
      listen_to: {
        public: true,
        sources: "all",
        confluence: { k: 2, of: ["golden_cross", "rsi"], within_seconds: 3600, ordered: false },
      },
    });
    const admin = kafka.kafka.admin();
    await admin.connect();
    const producer = kafka.kafka.producer();
    await producer.connect();
    let sent = 0;
    const publish = async (ticker: string, scanner: string, minutes: number) => {
      const emitted = new Date(Date.now() + minutes * 60_000);
      await producer.send({
        topic: kafka.topic,
        acks: -1,
        messages: [{
          key: ticker,
          value: JSON.stringify({
            ticker,
            signal: "BULLISH",
            confidence: 80,
            scanner,
            signal_id: `${scanner}:${ticker}:${minutes}`,
            emitted_at: emitted.toISOString(),
          }),
        }],
      });
      sent++;
    };
    const committed = () =>
      pollUntil("the dispatcher to commit every signal sent", async () => {
        const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [kafka.topic] });
        return Number(offsets?.partitions[0]?.offset) === sent ? true : undefined;
      }, { timeoutMs: 60_000 });
    const executions = () =>
      db.sql<{ signal_id: string; signal: { confluence?: { contributors: unknown[] } } }[]>`
        select signal_id, signal from pipeline_executions where pipeline_id = ${pipeline.id}`;
    const start = async () => {
      const metricsPort = freePort();
      const dispatcher = startService("dispatcher", {
        ...env,
        METRICS_PORT_DISPATCHER: String(metricsPort),
      });
      await untilReady(metricsPort, { timeoutMs: 60_000 });
      return dispatcher;
    };
    let dispatcher: ServiceProcess | null = null;
    try {
      dispatcher = await start();
      await publish("AAPL", "golden_cross", 0);
      await publish("MSFT", "golden_cross", 0);
      await publish("MSFT", "rsi", 61); // outside the one-hour window
      await committed();
      assert.equal((await executions()).length, 0, "one alone, or two outside the window: none");

      dispatcher.child.kill("SIGKILL");
      await dispatcher.child.status;
      await dispatcher.stop();
      dispatcher = await start();
      await publish("AAPL", "rsi", 1);
      const [fired, ...more] = await pollUntil("the confluence to fire", async () => {
        const rows = await executions();
        return rows.length > 0 ? rows : undefined;
      }, { timeoutMs: 60_000 });
      assert.equal(more.length, 0);
      assert.match(fired!.signal_id, /^confluence:/);
      assert.equal(fired!.signal.confluence?.contributors.length, 2);

      // Redelivered, both signals decide the same way again, with the same id: no second run.
      await publish("AAPL", "rsi", 1);
      await publish("AAPL", "golden_cross", 0);
      await committed();
      assert.equal((await executions()).length, 1, "fired once");

      // Both sources again inside the window (new ids, a new quorum): still one run per window.
      await publish("AAPL", "golden_cross", 5);
      await publish("AAPL", "rsi", 6);
      await committed();
      assert.equal((await executions()).length, 1, "once per window");
    } catch (error) {
      console.error(dispatcher?.output().slice(-3000));
      throw error;
    } finally {
      await dispatcher?.stop();
      await producer.disconnect();
      await admin.disconnect();
    }
  },
});
