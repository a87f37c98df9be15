/**
 * Private signals through the real system: API, dispatcher and worker as processes, a fresh
 * database, Redis prefix and Kafka topic. A user's TradingView alert runs that user's pipeline and
 * no one else's; a Kafka message that merely claims a private scope runs nothing.
 */
import assert from "node:assert/strict";
import { createTestDatabase } from "./fixtures/database.ts";
import { createTestKafka } from "./fixtures/kafka.ts";
import { createTestRedis } from "./fixtures/redis.ts";
import { pollUntil } from "../shared/poll_until.ts";
import {
  freePort,
  type ServiceProcess,
  stackEnv,
  startService,
  untilReady,
} from "./fixtures/processes.ts";
import { apiClient } from "./fixtures/api_client.ts";

interface Execution {
  status: string;
  signal_id: string | null;
  signal: Record<string, unknown> | null;
}

Deno.test({
  name: "webhook signals: a user's alert runs their pipeline on the ticker, not another user's",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using db = await createTestDatabase();
    await using redis = await createTestRedis();
    await using kafka = await createTestKafka(3);
    const dlq = await kafka.createTopic(1);
    const apiPort = freePort();
    const env = {
      ...stackEnv({ db, redis, kafka }, dlq),
      API_PORT: String(apiPort),
      METRICS_PORT_DISPATCHER: String(freePort()),
      METRICS_PORT_WORKER: String(freePort()),
    };
    const services: ServiceProcess[] = ["api", "dispatcher", "worker"]
      .map((dir) => startService(dir, env));
    const base = `http://127.0.0.1:${apiPort}`;
    const api = apiClient<Execution>(base);
    const { call, user, executions } = api;
    const pipeline = (token: string, name: string) => api.logPipeline(token, name, "AAPL");
    const producer = kafka.kafka.producer();
    try {
      await api.healthy();
      const alice = await user("alice@tickwire.local");
      const bob = await user("bob@tickwire.local");
      const alicePipeline = await pipeline(alice, "alice AAPL");
      const bobPipeline = await pipeline(bob, "bob AAPL");
      const source = await call("POST", "/api/v1/signal-sources", { name: "tv" }, alice);
      assert.equal(source.status, 201);
      const hookPath = new URL(source.body.url).pathname;
      await untilReady(Number(env.METRICS_PORT_DISPATCHER));

      await t.step("alice's TradingView alert runs alice's pipeline only", async () => {
        const res = await fetch(`${base}${hookPath}`, {
          method: "POST",
          headers: { "content-type": "text/plain; charset=utf-8" },
          body: JSON.stringify({
            secret: source.body.secret,
            ticker: "AAPL",
            action: "buy",
            confidence: 77,
            alert_id: "tv-1",
            timestamp: new Date().toISOString(),
          }),
        });
        const answer = await res.json();
        assert.equal(res.status, 200, JSON.stringify(answer));
        const [run] = await pollUntil("alice's execution to succeed", async () => {
          const runs = await executions(alicePipeline, alice);
          return runs[0]?.status === "succeeded" ? runs : undefined;
        }, { timeoutMs: 30_000 });
        assert.equal(run!.signal_id, answer.signal_id);
        assert.equal(run!.signal?.confidence, 77);
        assert.equal(run!.signal?.source, source.body.source);
        // Both pipelines are in the same batch's plan: once alice's ran, bob's was decided.
        assert.deepEqual(await executions(bobPipeline, bob), []);
      });

      await t.step(
        "a Kafka message claiming alice's scope is dead-lettered, runs nothing",
        async () => {
          await producer.connect();
          await producer.send({
            topic: kafka.topic,
            messages: [{
              key: "AAPL",
              value: JSON.stringify({
                ticker: "AAPL",
                signal: "BEARISH",
                confidence: 90,
                owner_id:
                  (await db.sql`select id from users where email = 'alice@tickwire.local'`)[0]!
                    .id,
                source: source.body.source,
                signal_id: `${source.body.source}:a:forged`,
                signature: "0".repeat(64),
              }),
            }],
          });
          await producer.send({
            topic: kafka.topic,
            messages: [{
              key: "AAPL",
              value: JSON.stringify({ ticker: "AAPL", signal: "BULLISH", confidence: 60 }),
            }],
          });
          // The public signal after it proves the forged one was consumed and decided.
          await pollUntil("bob's pipeline to run on the public signal", async () => {
            const runs = await executions(bobPipeline, bob);
            return runs.length === 1 && runs[0]!.status === "succeeded" ? true : undefined;
          }, { timeoutMs: 30_000 });
          const aliceRuns = await pollUntil("alice's public run", async () => {
            const runs = await executions(alicePipeline, alice);
            return runs.length === 2 ? runs : undefined;
          });
          assert.ok(aliceRuns.every((r) => !r.signal_id?.endsWith(":forged")));
          const admin = kafka.kafka.admin();
          await admin.connect();
          const [dead] = await admin.fetchTopicOffsets(dlq);
          await admin.disconnect();
          assert.equal(dead?.high, "1", "the forged message is on the dead-letter topic");
        },
      );

      await t.step("the signal log shows a private signal to its owner only", async () => {
        const ids = async (token: string) =>
          (await call("GET", "/api/v1/signals?ticker=AAPL", undefined, token)).body.items
            .map((s: { signal_id: string }) => s.signal_id);
        const privateId = `${source.body.source}:a:tv-1`;
        assert.ok((await ids(alice)).includes(privateId));
        const bobSees = await ids(bob);
        assert.ok(bobSees.length > 0, "bob sees the public signal");
        assert.ok(!bobSees.includes(privateId));
        const path = `/api/v1/signals/${encodeURIComponent(privateId)}`;
        assert.equal((await call("GET", path, undefined, bob)).status, 404);
        assert.equal((await call("GET", path, undefined, alice)).status, 200);
      });
    } catch (error) {
      for (const s of services) console.error(`--- ${s.name}\n${s.output().slice(-3000)}`);
      throw error;
    } finally {
      await producer.disconnect().catch(() => {});
      await Promise.all(services.map((s) => s.stop()));
    }
  },
});
