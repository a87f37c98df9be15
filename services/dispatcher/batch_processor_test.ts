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
  await using db = await createTestDatabase();
  await using r = await createTestRedis();
  const owner = await insertUser(db.sql);
  const p = await insertPipeline(db.sql, owner);
  const metrics = createDispatcherMetrics();
  const commits: CommitOffsets[] = [];
  const progress = createProgress(Date.now());
  const process = createBatchProcessor({
    sql: db.sql,
    redis: r.redis,
    names: r.names,
    log: serviceLogger("dispatcher", "test"),
    metrics,
    index: () => PipelineIndex.of([toMatchablePipeline(p)!]),
    deadLetter: () => Promise.resolve(),
    commit: (offsets) => Promise.resolve(void commits.push(offsets)),
    maxStreamLength: 1000,
    signal: new AbortController().signal,
    retry: { baseMs: 20, maxMs: 50 },
    progress,
  });
  const value = new TextEncoder().encode('{"ticker":"AAPL","signal":"BULLISH","confidence":90}');
  const messages = [4, 5].map((offset) =>
    decodeMessage("signals", 1, {
      offset: String(offset),
      timestamp: String(Date.now()),
      key: null,
      value,
    })
  );

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
