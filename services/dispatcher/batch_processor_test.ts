import assert from "node:assert/strict";
import { serviceLogger } from "../../shared/logging.ts";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import { createTestRedis } from "../../tests/fixtures/redis.ts";
import { type CommitOffsets, createBatchProcessor, offsetsToCommit } from "./batch_processor.ts";
import { decodeMessage } from "./decoded_message.ts";
import { createDispatcherMetrics } from "./metrics.ts";
import { createProgress } from "./progress.ts";
import { PipelineIndex, toMatchablePipeline } from "./pipeline_index.ts";
import { pollUntil } from "../../shared/poll_until.ts";

Deno.test("batch processor: Postgres and Redis failures are retried, nothing committed until the jobs are out", async () => {
  await using t = await processorSetup();
  const { db, r, metrics, progress, commits, pipeline: p } = t;
  const messages = [...t.batch(4), ...t.batch(5)];
  const process = t.process;

  // Postgres refuses the claim (table gone), Redis refuses the XADD (wrong type).
  await db.sql`alter table pipeline_executions rename to pipeline_executions_away`;
  await r.redis.set(r.names.jobsStream, "not a stream");
  const done = process(messages);
  const waitFor = (stage: string) =>
    pollUntil(`retries of ${stage}`, () => metrics.retries.get({ stage }) >= 2 || undefined, {
      timeoutMs: 10_000,
      intervalMs: 10,
    });
  await waitFor("claim");
  assert.equal(commits.length, 0);
  assert.equal(progress.failing?.stage, "claim");
  await db.sql`alter table pipeline_executions_away rename to pipeline_executions`;
  await waitFor("enqueue");
  assert.equal(commits.length, 0);
  await r.redis.del(r.names.jobsStream);
  await done;

  const rows = await db.sql`select id from pipeline_executions`;
  assert.equal(rows.length, 1);
  const jobs = await r.redis.xrange(r.names.jobsStream, "-", "+");
  assert.deepEqual(jobs.map(([, fields]) => fields[1]), [rows[0]!.id]);
  assert.deepEqual(commits, [[{ topic: "signals", partition: 1, offset: "6" }]]);
  const stats = await r.redis.hgetall(r.names.dispatchStats);
  assert.deepEqual(stats, {
    [`${p.id}:matched`]: "2",
    [`${p.id}:claimed`]: "1",
    [`${p.id}:skipped_busy`]: "1",
  });
});

/** A processor over one AAPL pipeline (skip), recording its commits. */
async function processorSetup(beforeCommit?: () => Promise<void>) {
  const db = await createTestDatabase();
  const r = await createTestRedis();
  const owner = await insertUser(db.sql);
  const pipeline = await insertPipeline(db.sql, owner, { overlap_policy: "skip" });
  const metrics = createDispatcherMetrics();
  const progress = createProgress(Date.now());
  const commits: CommitOffsets[] = [];
  const process = createBatchProcessor({
    sql: db.sql,
    redis: r.redis,
    names: r.names,
    log: serviceLogger("dispatcher", "test"),
    metrics,
    index: () => PipelineIndex.of([toMatchablePipeline(pipeline)!]),
    deadLetter: () => Promise.resolve(),
    commit: (offsets) => Promise.resolve(void commits.push(offsets)),
    maxStreamLength: 1000,
    signal: new AbortController().signal,
    retry: { baseMs: 20, maxMs: 50 },
    progress,
    ...(beforeCommit ? { beforeCommit } : {}),
  });
  const value = new TextEncoder().encode('{"ticker":"AAPL","signal":"BULLISH","confidence":90}');
  /** A batch of one AAPL signal at `offset` of partition 1. */
  const batch = (offset: number) => [
    decodeMessage("signals", 1, {
      offset: String(offset),
      timestamp: String(Date.now()),
      key: null,
      value,
    }),
  ];
  return {
    db,
    r,
    pipeline,
    metrics,
    progress,
    process,
    batch,
    commits,
    async [Symbol.asyncDispose]() {
      await r[Symbol.asyncDispose]();
      await db[Symbol.asyncDispose]();
    },
  };
}

Deno.test("batch processor: with two batches in flight, the second claims after the first answered and commits after it", async () => {
  await using t = await processorSetup();
  // Hold every claim at the table lock: the first batch's claim waits on the server.
  const blocker = await t.db.sql.reserve();
  await blocker`begin`;
  await blocker`lock table pipeline_executions in access exclusive mode`;
  const first = t.process(t.batch(4));
  const second = t.process(t.batch(5));
  const waiting = () =>
    t.db.sql`select count(*)::int as n from pg_stat_activity
      where wait_event_type = 'Lock' and query like '%alongside as (%'`
      .then(([row]) => row!.n as number);
  await pollUntil("the first claim waiting", async () => (await waiting()) >= 1 || undefined, {
    timeoutMs: 10_000,
    intervalMs: 10,
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  // The second batch has planned and built its claim, but not sent it.
  assert.equal(await waiting(), 1);
  assert.deepEqual(t.commits, []);
  await blocker`rollback`;
  blocker.release();
  await Promise.all([first, second]);

  // The older signal took the skip pipeline's slot; the newer one found it busy.
  const rows = await t.db.sql`select signal_id from pipeline_executions`;
  assert.deepEqual(rows.map((row) => row.signal_id), ["kafka:signals:1:4:0"]);
  assert.deepEqual(t.commits, [
    [{ topic: "signals", partition: 1, offset: "5" }],
    [{ topic: "signals", partition: 1, offset: "6" }],
  ]);
});

Deno.test("batch processor: a batch in flight behind one that fails commits nothing", async () => {
  let calls = 0;
  await using t = await processorSetup(() => {
    calls++;
    return calls === 1 ? Promise.reject(new Error("stopped before its commit")) : Promise.resolve();
  });
  const first = t.process(t.batch(4));
  const second = t.process(t.batch(5));
  await assert.rejects(first, /stopped before its commit/);
  await assert.rejects(second, /stopped before its commit/);
  // Committing the second batch's offsets would have skipped the first batch's signal for good.
  assert.deepEqual(t.commits, []);
  assert.equal(calls, 1);
});

Deno.test("offsets to commit: one past the highest offset per partition, compared as numbers", () => {
  const at = (partition: number, offset: string) =>
    decodeMessage("t", partition, { offset, timestamp: "0", key: null, value: null }, 0);
  assert.deepEqual(
    offsetsToCommit([at(0, "9"), at(0, "10"), at(1, "99999999999999999"), at(0, "8"), at(1, "7")]),
    [
      { topic: "t", partition: 0, offset: "11" },
      { topic: "t", partition: 1, offset: "100000000000000000" },
    ],
  );
});
