/** Crash recovery with a real process: SIGKILL mid-run, then another worker takes the job over. */
import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { claimExecutions } from "../../shared/executions/claim.ts";
import { enqueueJobs } from "../../shared/executions/enqueue.ts";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import { freePort, startService } from "../../tests/fixtures/processes.ts";
import { LOOPBACK_ALLOWED } from "../../tests/fixtures/agent_context.ts";
import { pollUntil } from "../../shared/poll_until.ts";
import { createTestRedis } from "../../tests/fixtures/redis.ts";
import { createWorker } from "./worker.ts";

Deno.test({
  name: "worker: a worker killed mid-run → the job is reclaimed and completes exactly once",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using db = await createTestDatabase();
    await using t = await createTestRedis();
    // The first request blocks until the test ends (the worker is killed while waiting on it);
    // later ones answer at once.
    const calls: string[] = [];
    const firstArrived = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen: () => {} },
      async (req) => {
        calls.push(req.headers.get("x-tickwire-execution") ?? "");
        if (calls.length === 1) {
          firstArrived.resolve();
          await release.promise;
        }
        return Response.json({ ok: true });
      },
    );
    const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
      config: {
        steps: [{
          id: "hook",
          agent: "webhook",
          params: { url: `http://127.0.0.1:${server.addr.port}/`, timeout_seconds: 60 },
        }],
      },
    });
    const [claimed] = await claimExecutions(db.sql, [{
      pipeline_id: pipeline.id,
      trigger_kind: "manual",
      signal_id: null,
      signal: null,
      signal_emitted_at: null,
      received_at: null,
    }]);
    await enqueueJobs(t.redis, t.names, [claimed!]);

    const doomed = startService("worker", {
      DATABASE_URL: db.url,
      REDIS_KEY_PREFIX: t.prefix,
      METRICS_PORT_WORKER: String(freePort()),
      WORKER_VISIBILITY_TIMEOUT_SECONDS: "1",
      WORKER_HEARTBEAT_SECONDS: "0.2",
      EGRESS_ALLOWED_NETWORKS: "127.0.0.1/32",
    });
    const controller = new AbortController();
    let survivor: Promise<void> | undefined;
    try {
      await pollUntil("the first worker to call the webhook", async () => {
        await Promise.race([firstArrived.promise, new Promise((r) => setTimeout(r, 100))]);
        return calls.length === 1 || undefined;
      }, { timeoutMs: 30_000 });
      const [running] = await db.sql`select status, worker_id from pipeline_executions`;
      assert.equal(running!.status, "running");
      doomed.child.kill("SIGKILL");
      await doomed.stop();

      const worker = createWorker({
        sql: db.sql,
        redis: t.redis,
        names: t.names,
        log: getLogger(["test"]),
        egress: LOOPBACK_ALLOWED,
      }, {
        consumer: "survivor",
        visibilityTimeoutSeconds: 1,
        heartbeatSeconds: 0.2,
        blockMs: 100,
      });
      survivor = worker.run(controller.signal);
      const row = await pollUntil("the execution to succeed on the survivor", async () => {
        const [e] = await db.sql`select * from pipeline_executions where id = ${claimed!.id}`;
        return e?.status === "succeeded" ? e : undefined;
      }, { timeoutMs: 20_000 });
      assert.equal(row.attempts, 2);
      assert.equal(row.worker_id, "survivor");
      assert.notEqual(row.worker_id, running!.worker_id);
      assert.equal(worker.metrics.reclaimed.get(), 1);
      assert.equal(worker.metrics.started.get(), 1);
      await pollUntil("the entry to be acknowledged", async () => {
        const [count] = await t.redis.xpending(t.names.jobsStream, t.names.workersGroup) as [
          number,
        ];
        return count === 0 || undefined;
      });
      const [total] = await db.sql`select count(*)::int as count from pipeline_executions`;
      assert.equal(total!.count, 1);
      assert.deepEqual(calls, [claimed!.id, claimed!.id]);
    } catch (error) {
      console.error(`--- killed worker output ---\n${doomed.output().slice(-4000)}`);
      throw error;
    } finally {
      controller.abort();
      await survivor;
      release.resolve();
      await server.shutdown();
    }
  },
});
