/**
 * The whole system as one, with real everything: API, dispatcher, worker and scheduler run as
 * separate processes against a fresh database, a unique Redis prefix and a unique Kafka topic.
 */
import assert from "node:assert/strict";
import { createTestDatabase } from "./fixtures/database.ts";
import { createTestKafka } from "./fixtures/kafka.ts";
import { createTestRedis } from "./fixtures/redis.ts";
import {
  freePort,
  type ServiceProcess,
  stackEnv,
  startService,
  untilReady,
} from "./fixtures/processes.ts";
import { pollUntil } from "../shared/poll_until.ts";
import { callApi, registerUser } from "./fixtures/api_client.ts";

interface Execution {
  id: string;
  status: string;
  trigger_kind: string;
  signal: Record<string, unknown> | null;
  steps: { id: string; status: string }[];
}

Deno.test({
  name:
    "e2e: seed pipeline via HTTP, seed-format signal via plain Kafka client, execution succeeds",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using db = await createTestDatabase();
    await using redis = await createTestRedis();
    await using kafka = await createTestKafka(3);
    const dlq = await kafka.createTopic(1);
    const apiPort = freePort();
    const dispatcherMetricsPort = freePort();
    /** Waits until the dispatcher has `n` signal pipelines in its index (it heard of them). */
    const indexed = (n: number) =>
      pollUntil(`the dispatcher to index ${n} pipelines`, async () => {
        const res = await fetch(`http://127.0.0.1:${dispatcherMetricsPort}/metrics`);
        const text = await res.text();
        const count = /^tickwire_dispatcher_pipelines_indexed (\S+)$/m.exec(text)?.[1];
        return Number(count) >= n ? true : undefined;
      }, { timeoutMs: 10_000, intervalMs: 50 });
    const env = {
      ...stackEnv({ db, redis, kafka }, dlq),
      API_PORT: String(apiPort),
      METRICS_PORT_DISPATCHER: String(dispatcherMetricsPort),
      METRICS_PORT_WORKER: String(freePort()),
      METRICS_PORT_SCHEDULER: String(freePort()),
      METRICS_PORT_API: String(freePort()),
      WORKER_VISIBILITY_TIMEOUT_SECONDS: "5",
      WORKER_HEARTBEAT_SECONDS: "1",
      SCHEDULER_TICK_SECONDS: "0.5",
    };
    const services: ServiceProcess[] = ["api", "dispatcher", "worker", "scheduler"]
      .map((dir) => startService(dir, env));
    const base = `http://127.0.0.1:${apiPort}`;
    try {
      // Ready means the dispatcher's group has its first assignment: a signal sent before that
      // could precede a new group's committed start and never be read.
      await untilReady(dispatcherMetricsPort);
      await pollUntil("the API to answer /healthz", async () => {
        const res = await fetch(`${base}/healthz`);
        await res.body?.cancel();
        return res.ok ? true : undefined;
      }, { timeoutMs: 30_000 });
      const token = await registerUser(base, "e2e@tickwire.local");

      const producer = kafka.kafka.producer();
      await producer.connect();
      const publish = (value: unknown) =>
        producer.send({ topic: kafka.topic, messages: [{ value: JSON.stringify(value) }] });

      await t.step("a signal in the seed's exact format runs the seed's pipeline", async () => {
        const created = await callApi(base, "POST", "/api/v1/pipelines", {
          name: "AAPL Trader",
          description: "Trades AAPL on signals",
          trigger_mode: "signal",
          scanner_tickers: ["AAPL", "MSFT"],
          config: { steps: [{ id: "note", agent: "log", params: { message: "e2e" } }] },
          is_active: true,
        }, token);
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const pipelineId = (created.body as { id: string }).id;
        await indexed(1);
        await publish({ tickers: [{ ticker: "AAPL", signal: "BULLISH", confidence: 85 }] });
        const execution = await pollUntil("the signal's execution to succeed", async () => {
          const [e] = await executions(base, pipelineId, token);
          return e?.status === "succeeded" ? e : undefined;
        });
        assert.equal(execution.trigger_kind, "signal");
        assert.equal(execution.signal?.ticker, "AAPL");
        assert.equal(execution.signal?.signal, "BULLISH");
        assert.equal(execution.signal?.confidence, 85);
        assert.deepEqual(execution.steps.map((s) => [s.id, s.status]), [["note", "succeeded"]]);
      });

      await t.step("duplicate signals while a run is active are skipped", async () => {
        const created = await callApi(base, "POST", "/api/v1/pipelines", {
          name: "MSFT busy",
          trigger_mode: "signal",
          scanner_tickers: ["NVDA"],
          is_active: true,
        }, token);
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const pipelineId = (created.body as { id: string }).id;
        // Hold the pipeline busy with a running execution that no worker holds.
        await db
          .sql`insert into pipeline_executions (pipeline_id, trigger_kind, active_slot, status)
                     values (${pipelineId}, 'manual', 0, 'running')`;
        await indexed(2);
        for (let i = 0; i < 10; i++) {
          await publish({ tickers: [{ ticker: "NVDA", signal: "BEARISH", confidence: 60 + i }] });
        }
        await pollUntil("the dispatcher to count ten busy skips", async () => {
          const stats = await callApi(
            base,
            "GET",
            `/api/v1/pipelines/${pipelineId}/dispatch-stats`,
            undefined,
            token,
          );
          const counts = (stats.body as { counts: Record<string, number> }).counts;
          return counts.skipped_busy === 10 ? counts : undefined;
        });
        const list = await executions(base, pipelineId, token);
        assert.equal(list.length, 1, "only the running execution exists");
      });

      await t.step("a periodic pipeline runs on its schedule", async () => {
        const created = await callApi(base, "POST", "/api/v1/pipelines", {
          name: "every ten seconds",
          trigger_mode: "periodic",
          schedule: { every_seconds: 10 },
          is_active: true,
        }, token);
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const pipelineId = (created.body as { id: string }).id;
        const execution = await pollUntil("a periodic execution to succeed", async () => {
          const list = await executions(base, pipelineId, token);
          return list.find((e) => e.status === "succeeded");
        }, { timeoutMs: 30_000, intervalMs: 500 });
        assert.equal(execution.trigger_kind, "periodic");
      });
      await producer.disconnect();
    } catch (error) {
      for (const s of services) {
        console.error(`--- ${s.name} output ---\n${s.output().slice(-4000)}`);
      }
      throw error;
    } finally {
      await Promise.all(services.map((s) => s.stop()));
    }
  },
});

async function executions(base: string, pipelineId: string, token: string): Promise<Execution[]> {
  const res = await callApi(
    base,
    "GET",
    `/api/v1/pipelines/${pipelineId}/executions`,
    undefined,
    token,
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body as { items: Execution[] }).items;
}
