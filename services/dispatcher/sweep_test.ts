import assert from "node:assert/strict";
import type { Sql } from "../../shared/db.ts";
import { claimExecutions } from "../../shared/executions/claim.ts";
import { enqueueJobs } from "../../shared/executions/enqueue.ts";
import type { RedisNames } from "../../shared/names.ts";
import type { Redis } from "../../shared/redis.ts";
import { pollUntil } from "../../shared/poll_until.ts";
import { sleep } from "../../shared/sleep.ts";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import { createTestRedis, listenRedis } from "../../tests/fixtures/redis.ts";
import { sweepQueued } from "./sweep.ts";

Deno.test("sweep: a claimed-but-not-enqueued execution is swept into the stream once", async () => {
  await using db = await createTestDatabase();
  await using r = await createTestRedis();
  const owner = await insertUser(db.sql);
  const p = await insertPipeline(db.sql, owner);
  const [lost] = await claimExecutions(db.sql, [{
    pipeline_id: p.id,
    trigger_kind: "signal",
    signal_id: "s1",
    signal: null,
    signal_emitted_at: null,
    received_at: null,
  }]);
  const options = { minAgeSeconds: 30, maxLength: 1000 };
  assert.equal(await sweepQueued(db.sql, r.redis, r.names, options), 0, "too young to sweep");
  await db.sql`update pipeline_executions set queued_at = now() - interval '1 minute'`;

  const swept = await Promise.all([
    sweepQueued(db.sql, r.redis, r.names, options),
    sweepQueued(db.sql, r.redis, r.names, options),
  ]);
  assert.equal(swept[0]! + swept[1]!, 1);
  const entries = await r.redis.xrange(r.names.jobsStream, "-", "+");
  assert.equal(entries.length, 1);
  assert.deepEqual(entries[0]![1].slice(0, 4), ["execution_id", lost!.id, "pipeline_id", p.id]);
  assert.equal(await sweepQueued(db.sql, r.redis, r.names, options), 0, "just swept");
});

Deno.test("sweep: a running execution whose worker stopped heartbeating long ago is requeued", async () => {
  await using db = await createTestDatabase();
  await using r = await createTestRedis();
  const owner = await insertUser(db.sql);
  const [abandoned, alive] = [
    await insertPipeline(db.sql, owner),
    await insertPipeline(db.sql, owner),
  ];
  await db.sql`
    insert into pipeline_executions
      (pipeline_id, trigger_kind, active_slot, status, attempts, worker_id, started_at, heartbeat_at)
    values
      (${abandoned.id}, 'manual', 0, 'running', 1, 'gone', now() - interval '10 minutes',
       now() - interval '10 minutes'),
      (${alive.id}, 'manual', 0, 'running', 1, 'alive', now() - interval '10 minutes', now())`;
  const options = { minAgeSeconds: 30, maxLength: 1000, abandonedAfterSeconds: 150 };
  // The dispatcher's connection does not NOTIFY: the live pages hear of the requeue on Redis.
  {
    using announced = await listenRedis(r.redis, r.names.executionChanges);
    assert.equal(await sweepQueued(db.sql, r.redis, r.names, options), 1);
    await pollUntil("the requeue's announcement", () => announced.heard.length > 0 || undefined, {
      timeoutMs: 5000,
      intervalMs: 20,
    });
    assert.deepEqual(announced.heard, [abandoned.id]);
  }
  const rows = await db.sql<{ pipeline_id: string; status: string; worker_id: string | null }[]>`
    select pipeline_id, status, worker_id from pipeline_executions order by pipeline_id = ${alive.id}`;
  assert.deepEqual(rows.map((x) => [x.pipeline_id, x.status, x.worker_id]), [
    [abandoned.id, "queued", null],
    [alive.id, "running", "alive"],
  ]);
  const entries = await r.redis.xrange(r.names.jobsStream, "-", "+");
  assert.equal(entries.length, 1);
  assert.equal(entries[0]![1][3], abandoned.id);
  assert.equal(await sweepQueued(db.sql, r.redis, r.names, options), 0, "requeued once");
});

/** Claims one execution per signal id on `pipelineId` and puts each on the stream in turn. */
async function claimAndEnqueue(
  sql: Sql,
  redis: Redis,
  names: RedisNames,
  pipelineId: string,
  signalIds: string[],
) {
  const claimed = [];
  for (const signal_id of signalIds) {
    const [execution] = await claimExecutions(sql, [{
      pipeline_id: pipelineId,
      trigger_kind: "signal",
      signal_id,
      signal: null,
      signal_emitted_at: null,
      received_at: null,
    }]);
    await enqueueJobs(redis, names, [execution!]);
    claimed.push(execution!);
    await sleep(5); // distinct stream ids by time
  }
  return claimed;
}

const streamIds = async (redis: Redis, names: RedisNames) =>
  (await redis.xrange(names.jobsStream, "-", "+")).map(([, fields]) => fields[1]);

Deno.test("sweep: a deleted jobs stream is recreated with the workers' group and its queued executions enqueued once", async () => {
  await using db = await createTestDatabase();
  await using r = await createTestRedis();
  const owner = await insertUser(db.sql);
  const p = await insertPipeline(db.sql, owner, { overlap_policy: "allow" });
  await r.redis.xgroup("CREATE", r.names.jobsStream, r.names.workersGroup, "0", "MKSTREAM");
  const claimed = await claimAndEnqueue(db.sql, r.redis, r.names, p.id, ["a", "b"]);
  await db.sql`update pipeline_executions set queued_at = queued_at - interval '10 seconds'`;
  await r.redis.del(r.names.jobsStream);

  // Queued 10 s ago (the age rule would wait SWEEP_MIN_AGE_SECONDS): the repair does not.
  const options = { minAgeSeconds: 3600, maxLength: 1000 };
  assert.equal(await sweepQueued(db.sql, r.redis, r.names, options), 2);
  assert.deepEqual((await streamIds(r.redis, r.names)).sort(), claimed.map((e) => e.id).sort());
  const groups = await r.redis.xinfo("GROUPS", r.names.jobsStream) as unknown[][];
  assert.deepEqual(groups.map((g) => g[1]), [r.names.workersGroup]);
  assert.equal(await sweepQueued(db.sql, r.redis, r.names, options), 0, "repaired once");
  assert.equal(await r.redis.xlen(r.names.jobsStream), 2);
});

Deno.test("sweep: entries trimmed from the jobs stream are put back for the executions still queued, and only those", async () => {
  await using db = await createTestDatabase();
  await using r = await createTestRedis();
  const owner = await insertUser(db.sql);
  const p = await insertPipeline(db.sql, owner, { overlap_policy: "allow" });
  const [a, b, c, d] = await claimAndEnqueue(db.sql, r.redis, r.names, p.id, ["a", "b", "c", "d"]);
  // a ran already; the entries of a and b are trimmed away; c and d keep theirs.
  await db
    .sql`update pipeline_executions set status = 'succeeded', active_slot = null, finished_at = now()
    where id = ${a!.id}`;
  await r.redis.xtrim(r.names.jobsStream, "MAXLEN", 2);

  const options = { minAgeSeconds: 3600, maxLength: 1000 };
  assert.equal(await sweepQueued(db.sql, r.redis, r.names, options), 1);
  assert.deepEqual(await streamIds(r.redis, r.names), [c!.id, d!.id, b!.id]);
  assert.equal(await sweepQueued(db.sql, r.redis, r.names, options), 0, "repaired once");
});
