import assert from "node:assert/strict";
import { claimExecutions, type ClaimRequest } from "./claim.ts";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";

const request = (pipeline_id: string, signal_id: string | null): ClaimRequest => ({
  pipeline_id,
  trigger_kind: "signal",
  signal_id,
  signal: { ticker: "AAPL", signal: "BULLISH", confidence: 85 },
  signal_emitted_at: new Date().toISOString(),
  received_at: new Date().toISOString(),
});

Deno.test("claim: a skip pipeline gets one execution, later signals are skipped while it is active", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const p = await insertPipeline(db.sql, owner);
  const first = await claimExecutions(db.sql, [request(p.id, "s1"), request(p.id, "s2")]);
  assert.equal(first.length, 1);
  assert.equal(first[0]!.pipeline_id, p.id);
  assert.deepEqual(await claimExecutions(db.sql, [request(p.id, "s3")]), []);
  await db.sql`update pipeline_executions set status = 'succeeded', finished_at = now()
    where id = ${first[0]!.id}`;
  assert.equal((await claimExecutions(db.sql, [request(p.id, "s4")])).length, 1);
});

Deno.test("claim: the same signal never creates a second execution for a pipeline", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const p = await insertPipeline(db.sql, owner, { overlap_policy: "allow" });
  assert.equal(
    (await claimExecutions(db.sql, [request(p.id, "dup"), request(p.id, "dup")])).length,
    1,
  );
  assert.equal((await claimExecutions(db.sql, [request(p.id, "dup")])).length, 0);
  assert.equal(
    (await claimExecutions(db.sql, [request(p.id, null), request(p.id, null)])).length,
    2,
  );
});

Deno.test("claim: buffer_one allows one queued run behind the active one", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const p = await insertPipeline(db.sql, owner, { overlap_policy: "buffer_one" });
  const [running] = await claimExecutions(db.sql, [request(p.id, "a")]);
  await db.sql`update pipeline_executions set status = 'running' where id = ${running!.id}`;
  assert.equal((await claimExecutions(db.sql, [request(p.id, "b")])).length, 1);
  assert.equal((await claimExecutions(db.sql, [request(p.id, "c")])).length, 0);
});

Deno.test("claim: inactive and unknown pipelines are skipped", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const p = await insertPipeline(db.sql, owner, { is_active: false });
  assert.deepEqual(
    await claimExecutions(db.sql, [request(p.id, "x"), request(crypto.randomUUID(), "x")]),
    [],
  );
});

Deno.test("claim: concurrent claimers on one pipeline create exactly one execution", async () => {
  await using db = await createTestDatabase({ max: 10 });
  const owner = await insertUser(db.sql);
  const p = await insertPipeline(db.sql, owner);
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) => claimExecutions(db.sql, [request(p.id, `c${i}`)])),
  );
  assert.equal(results.flat().length, 1);
});

Deno.test("claim: each execution stores its own request's signal", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const p = await insertPipeline(db.sql, owner, { overlap_policy: "allow" });
  const q = await insertPipeline(db.sql, owner, { overlap_policy: "allow" });
  const shared = { ticker: "MSFT", signal: "BEARISH", confidence: 60, signal_id: "m1" };
  const claimed = await claimExecutions(db.sql, [
    request(p.id, "s1"),
    { ...request(p.id, "m1"), signal: shared },
    { ...request(q.id, "m1"), signal: shared },
    { ...request(q.id, "none"), signal: null },
  ]);
  assert.equal(claimed.length, 4);
  const rows = await db.sql<{ signal_id: string; signal: unknown }[]>`
    select signal_id, signal from pipeline_executions order by signal_id, pipeline_id = ${p.id}`;
  assert.deepEqual(rows.map((r) => [r.signal_id, r.signal]), [
    ["m1", shared],
    ["m1", shared],
    ["none", null],
    ["s1", request(p.id, "s1").signal],
  ]);
});
