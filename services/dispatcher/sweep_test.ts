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
