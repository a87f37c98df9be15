import { LOOPBACK_ALLOWED } from "../../tests/fixtures/agent_context.ts";
import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { claimExecutions } from "../../shared/executions/claim.ts";
import { enqueueJobs } from "../../shared/executions/enqueue.ts";
import { connectPostgres, type Sql } from "../../shared/db.ts";
import type { Pipeline } from "../../shared/schemas/pipeline.ts";
import { createTestDatabase, type TestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import { pollUntil } from "../../shared/poll_until.ts";
import { createTestRedis, listenRedis, type TestRedis } from "../../tests/fixtures/redis.ts";
import { createWorker, type WorkerOptions } from "./worker.ts";

const signal = {
  ticker: "AAPL",
  signal: "BULLISH",
  confidence: 85,
  scanner: "golden_cross",
  bar_date: "2025-01-02",
  price: 187.5,
};

interface ExecutionRow {
  id: string;
  status: string;
  attempts: number;
  error: string | null;
  signal: Record<string, unknown> | null;
  steps: { id: string; status: string; output: unknown; duration_ms: number }[];
  result: Record<string, unknown> | null;
  enqueued_at: Date | null;
}

/** Claims one signal execution for `pipeline` and puts it on the stream `copies` times. */
async function enqueueRun(sql: Sql, t: TestRedis, pipeline: Pipeline, copies = 1) {
  const [claimed] = await claimExecutions(sql, [{
    pipeline_id: pipeline.id,
    trigger_kind: "signal",
    signal_id: crypto.randomUUID(),
    signal,
    signal_emitted_at: null,
    received_at: null,
  }]);
  assert.ok(claimed, "the claim created an execution");
  await enqueueJobs(t.redis, t.names, Array.from({ length: copies }, () => claimed));
  return claimed.id;
}

/**
 * Starts a worker in-process with small timeouts, its rounds on a connection of their own as
 * `deno task worker` has them; `stop()` shuts it down and waits.
 */
function startWorker(db: TestDatabase, t: TestRedis, options: Partial<WorkerOptions> = {}) {
  const rounds = connectPostgres(db.url, { max: 1 });
  const deps = { sql: db.sql, rounds, redis: t.redis, names: t.names, log: getLogger(["test"]) };
  const worker = createWorker({ ...deps, egress: LOOPBACK_ALLOWED }, {
    consumer: `w-${crypto.randomUUID().slice(0, 8)}`,
    concurrency: 4,
    visibilityTimeoutSeconds: 1,
    heartbeatSeconds: 0.2,
    shutdownDeadlineSeconds: 2,
    retryBaseSeconds: 0.4,
    retryMaxSeconds: 1,
    blockMs: 100,
    ...options,
  });
  const controller = new AbortController();
  const running = worker.run(controller.signal);
  return {
    metrics: worker.metrics,
    stop: async () => {
      controller.abort();
      await running;
      await rounds.end({ timeout: 1 });
    },
  };
}

async function execution(sql: Sql, id: string): Promise<ExecutionRow> {
  const [row] = await sql<ExecutionRow[]>`select * from pipeline_executions where id = ${id}`;
  return row!;
}

function finished(sql: Sql, id: string) {
  return pollUntil(`execution ${id} to finish`, async () => {
    const row = await execution(sql, id);
    return ["succeeded", "failed", "skipped", "rejected"].includes(row.status) ? row : undefined;
  }, { timeoutMs: 15_000, intervalMs: 50 });
}

/** A webhook target answering each request with the next status (then the last); records times. */
function hookServer(statuses: number[]) {
  const received: number[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    await req.body?.cancel();
    received.push(Date.now());
    const status = statuses[Math.min(received.length, statuses.length) - 1]!;
    return Response.json({ status }, { status });
  });
  const url = `http://127.0.0.1:${server.addr.port}/`;
  return { url, received, [Symbol.asyncDispose]: () => server.shutdown() };
}

const pending = async (t: TestRedis) =>
  ((await t.redis.xpending(t.names.jobsStream, t.names.workersGroup)) as [number])[0];

Deno.test("worker: a job runs once; its execution holds the signal and every step's output", async () => {
  await using db = await createTestDatabase();
  await using t = await createTestRedis();
  const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
    config: {
      steps: [
        { id: "gate", agent: "signal_gate", params: { signals: ["BULLISH"], min_confidence: 80 } },
        { id: "note", agent: "log", params: { message: "hello" } },
      ],
    },
  });
  const id = await enqueueRun(db.sql, t, pipeline);
  const worker = startWorker(db, t);
  try {
    const row = await finished(db.sql, id);
    assert.equal(row.status, "succeeded", row.error ?? "");
    assert.equal(row.attempts, 1);
    assert.deepEqual(row.signal, signal);
    assert.deepEqual(row.steps.map((s) => [s.id, s.status, s.output]), [
      ["gate", "succeeded", { passed: true, unmet: [] }],
      ["note", "succeeded", { message: "hello" }],
    ]);
    assert.ok(row.steps.every((s) => typeof s.duration_ms === "number"));
    // The job's enqueue time, as the stream entry carries it, is recorded on the execution.
    const [[, fields]] = await t.redis.xrange(t.names.jobsStream, "-", "+") as [
      string,
      string[],
    ][] as [[string, string[]]];
    const enqueuedMs = Number(fields[fields.indexOf("enqueued_at") + 1]);
    assert.equal(row.enqueued_at?.getTime(), enqueuedMs);
    await pollUntil(
      "the entry to be acknowledged",
      async () => await pending(t) === 0 || undefined,
    );
    assert.equal(worker.metrics.started.get(), 1);
    assert.equal(worker.metrics.succeeded.get(), 1);
  } finally {
    await worker.stop();
  }
});

Deno.test("worker: an unmet signal gate ends the run as skipped with the reason", async () => {
  await using db = await createTestDatabase();
  await using t = await createTestRedis();
  const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
    config: {
      steps: [
        { id: "gate", agent: "signal_gate", params: { signals: ["BEARISH"] } },
        { id: "note", agent: "log", params: {} },
      ],
    },
  });
  const id = await enqueueRun(db.sql, t, pipeline);
  const worker = startWorker(db, t);
  try {
    const row = await finished(db.sql, id);
    assert.equal(row.status, "skipped");
    assert.deepEqual(row.steps.map((s) => s.status), ["halted", "skipped"]);
    assert.deepEqual(row.result?.halted, {
      step: "gate",
      reason: 'Signal gate: signal "BULLISH" is not one of BEARISH',
      outcome: "halted",
    });
  } finally {
    await worker.stop();
  }
});

Deno.test("worker: a refused trade ends the run as rejected, with the reason", async () => {
  await using db = await createTestDatabase();
  await using t = await createTestRedis();
  const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
    config: {
      steps: [
        { id: "order", agent: "paper_order", params: { quantity: 1_000_000_000 } },
        { id: "note", agent: "log", params: {} },
      ],
    },
  });
  const id = await enqueueRun(db.sql, t, pipeline);
  const worker = startWorker(db, t);
  try {
    const row = await finished(db.sql, id);
    assert.equal(row.status, "rejected");
    assert.deepEqual(row.steps.map((s) => s.status), ["rejected", "skipped"]);
    const halted = row.result?.halted as { step: string; reason: string; outcome: string };
    assert.equal(halted.step, "order");
    assert.equal(halted.outcome, "rejected");
    assert.match(halted.reason, /^Paper order rejected: /);
    assert.equal(worker.metrics.rejected.total(), 1);
    assert.equal(worker.metrics.skipped.total(), 0);
  } finally {
    await worker.stop();
  }
});

Deno.test("worker: the live pages hear on Redis when a run starts and when it ends", async () => {
  await using db = await createTestDatabase();
  await using t = await createTestRedis();
  // The webhook answers when the test says so: the run is started, and not ended, until then.
  const answer = Promise.withResolvers<void>();
  await using hook = {
    server: Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
      await req.body?.cancel();
      await answer.promise;
      return Response.json({ ok: true });
    }),
    [Symbol.asyncDispose]() {
      answer.resolve();
      return this.server.shutdown();
    },
  };
  const url = `http://127.0.0.1:${hook.server.addr.port}/`;
  const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
    config: { steps: [{ id: "hook", agent: "webhook", params: { url } }] },
  });
  using announced = await listenRedis(t.redis, t.names.executionChanges);
  const { heard } = announced;
  const id = await enqueueRun(db.sql, t, pipeline);
  const worker = startWorker(db, t);
  try {
    await pollUntil("the start's announcement", () => heard.length > 0 || undefined);
    assert.deepEqual(heard, [pipeline.id]);
    assert.equal((await execution(db.sql, id)).status, "running");
    answer.resolve();
    await finished(db.sql, id);
    await pollUntil("the outcome's announcement", () => heard.length > 1 || undefined);
    assert.deepEqual(heard, [pipeline.id, pipeline.id]);
  } finally {
    await worker.stop();
  }
});

Deno.test("worker: duplicate stream entries for one execution run it once", async () => {
  await using db = await createTestDatabase();
  await using t = await createTestRedis();
  await using hook = hookServer([200]);
  const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
    config: { steps: [{ id: "hook", agent: "webhook", params: { url: hook.url } }] },
  });
  const id = await enqueueRun(db.sql, t, pipeline, 3);
  const worker = startWorker(db, t);
  try {
    await finished(db.sql, id);
    await enqueueJobs(t.redis, t.names, [{ id, pipeline_id: pipeline.id }]);
    await pollUntil("all four deliveries to be acknowledged", async () => {
      const length = await t.redis.xlen(t.names.jobsStream);
      return length === 4 && await pending(t) === 0 && worker.metrics.ignored.get() === 3
        ? true
        : undefined;
    });
    assert.equal(hook.received.length, 1);
    assert.equal((await execution(db.sql, id)).attempts, 1);
    assert.equal(worker.metrics.started.get(), 1);
  } finally {
    await worker.stop();
  }
});

Deno.test("worker: a retryable failure is retried after a backoff, then succeeds", async () => {
  await using db = await createTestDatabase();
  await using t = await createTestRedis();
  await using hook = hookServer([503, 200]);
  const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
    config: { steps: [{ id: "hook", agent: "webhook", params: { url: hook.url, retries: 0 } }] },
  });
  const id = await enqueueRun(db.sql, t, pipeline);
  const worker = startWorker(db, t, { retryBaseSeconds: 0.4 });
  try {
    const row = await finished(db.sql, id);
    assert.equal(row.status, "succeeded");
    assert.equal(row.attempts, 2);
    assert.equal(row.error, null);
    assert.equal(hook.received.length, 2);
    // Equal jitter: the first retry waits at least half the base delay.
    const waited = hook.received[1]! - hook.received[0]!;
    assert.ok(waited >= 200, `the retry came ${waited} ms after the failure`);
    assert.equal(worker.metrics.retried.get(), 1);
    assert.equal(await t.redis.zcard(t.names.retrySchedule), 0);
  } finally {
    await worker.stop();
  }
});

Deno.test("worker: past max attempts the job is dead-lettered and the execution failed", async () => {
  await using db = await createTestDatabase();
  await using t = await createTestRedis();
  await using hook = hookServer([503]);
  const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
    max_attempts: 2,
    config: { steps: [{ id: "hook", agent: "webhook", params: { url: hook.url, retries: 0 } }] },
  });
  const id = await enqueueRun(db.sql, t, pipeline);
  const worker = startWorker(db, t, { retryBaseSeconds: 0.05 });
  try {
    const row = await finished(db.sql, id);
    assert.equal(row.status, "failed");
    assert.equal(row.attempts, 2);
    assert.match(row.error ?? "", /^Gave up after 2 of 2 attempts: Step "hook" \(webhook\) failed/);
    const dead = await pollUntil("the dead letter", async () => {
      const entries = await t.redis.xrange(t.names.deadLetterStream, "-", "+");
      return entries.length > 0 ? entries : undefined;
    });
    assert.equal(dead.length, 1);
    const fields = dead[0]![1];
    assert.equal(fields[fields.indexOf("execution_id") + 1], id);
    assert.equal(fields[fields.indexOf("reason") + 1], row.error);
    assert.equal(hook.received.length, 2);
  } finally {
    await worker.stop();
  }
});

Deno.test("worker: a non-retryable failure fails at once; a malformed entry is dead-lettered", async () => {
  await using db = await createTestDatabase();
  await using t = await createTestRedis();
  await using hook = hookServer([400]);
  const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
    config: { steps: [{ id: "hook", agent: "webhook", params: { url: hook.url } }] },
  });
  const bad = await t.redis.xadd(t.names.jobsStream, "*", "execution_id", "not-a-uuid");
  const id = await enqueueRun(db.sql, t, pipeline);
  const worker = startWorker(db, t);
  try {
    const row = await finished(db.sql, id);
    assert.equal(row.status, "failed");
    assert.equal(row.attempts, 1);
    const dead = await pollUntil("the malformed entry's dead letter", async () => {
      const entries = await t.redis.xrange(t.names.deadLetterStream, "-", "+");
      return entries.length > 0 ? entries : undefined;
    });
    assert.equal(dead.length, 1);
    const fields = dead[0]![1];
    assert.equal(fields[fields.indexOf("source_entry_id") + 1], bad);
    assert.match(fields[fields.indexOf("reason") + 1]!, /^Cannot parse job/);
    await pollUntil("both entries acknowledged", async () => await pending(t) === 0 || undefined);
  } finally {
    await worker.stop();
  }
});

Deno.test("worker: a consumer gone idle with nothing pending is pruned from the group", async () => {
  await using db = await createTestDatabase();
  await using t = await createTestRedis();
  const { jobsStream, workersGroup } = t.names;
  await t.redis.xgroup("CREATE", jobsStream, workersGroup, "0", "MKSTREAM");
  // A killed worker: it read and acknowledged, then vanished. Another died holding an entry.
  await t.redis.xgroup("CREATECONSUMER", jobsStream, workersGroup, "killed");
  await t.redis.xadd(jobsStream, "*", "execution_id", "x");
  await t.redis.xreadgroup(
    "GROUP",
    workersGroup,
    "holding",
    "COUNT",
    1,
    "STREAMS",
    jobsStream,
    ">",
  );
  const consumers = async () =>
    ((await t.redis.xinfo("CONSUMERS", jobsStream, workersGroup)) as unknown[][])
      .map((c) => String(c[1]));
  assert.deepEqual((await consumers()).sort(), ["holding", "killed"]);
  // Visibility 0.3 s: idle consumers go after 10 × 0.3 s; the held entry is reclaimed at once.
  const worker = startWorker(db, t, { visibilityTimeoutSeconds: 0.3, heartbeatSeconds: 0.1 });
  try {
    const left = await pollUntil("the dead consumers to be pruned", async () => {
      const names = await consumers();
      return names.includes("killed") || names.includes("holding") ? undefined : names;
    }, { timeoutMs: 20_000 });
    assert.equal(left.length, 1, `only the live worker is left: ${left}`);
  } finally {
    await worker.stop();
  }
});
