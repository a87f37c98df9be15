import assert from "node:assert/strict";
import { claimExecutions } from "../../shared/executions/claim.ts";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import { createTestRedis } from "../../tests/fixtures/redis.ts";
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
  assert.equal(await sweepQueued(db.sql, r.redis, r.names, options), 1);
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
