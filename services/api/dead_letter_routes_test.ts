import assert from "node:assert/strict";
import { createTestApi } from "./test_api.ts";
import { insertPipeline } from "../../tests/fixtures/pipelines.ts";

Deno.test("dead letters: a user sees their own jobs' only, an admin every letter and rejected message", async () => {
  const boss = `boss-${crypto.randomUUID().slice(0, 8)}@test.local`;
  await using api = await createTestApi({ API_ADMIN_EMAILS: `other@test.local, ${boss}` });
  const { sql } = api.db;
  const alice = await api.user();
  const bob = await api.user();
  const password = "a long enough password";
  await api.call("POST", "/api/v1/auth/register", { body: { email: boss, password } });
  const login = await api.call("POST", "/api/v1/auth/tokens", { body: { email: boss, password } });
  const alicePipeline = await insertPipeline(sql, alice.id);
  const bobPipeline = await insertPipeline(sql, bob.id);
  for (const [pipeline, reason] of [[alicePipeline.id, "attempts"], [bobPipeline.id, "attempts"]]) {
    await api.redis.redis.xadd(
      api.redis.names.deadLetterStream,
      "*",
      "execution_id",
      crypto.randomUUID(),
      "pipeline_id",
      pipeline!,
      "reason",
      reason!,
      "failed_at",
      new Date().toISOString(),
    );
  }
  await api.redis.redis.xadd(api.redis.names.deadLetterStream, "*", "junk", "1", "reason", "bad");
  await sql`insert into signal_log ${
    sql({
      signal_id: "kafka:t:0:5:0",
      topic: "t",
      partition: 0,
      kafka_offset: 5,
      received_at: new Date().toISOString(),
      decided_at: new Date().toISOString(),
      reject_reason: "not_json",
      error: "Cannot parse signal: Unexpected token",
    })
  }`;

  const mine = await api.call("GET", "/api/v1/dead-letters", { token: alice.token });
  assert.equal(mine.status, 200, JSON.stringify(mine.body));
  assert.equal(mine.body.admin, false);
  assert.deepEqual(mine.body.rejected_messages, []);
  assert.deepEqual(
    mine.body.failed_jobs.map((j: { pipeline_id: string }) => j.pipeline_id),
    [alicePipeline.id],
  );

  const all = await api.call("GET", "/api/v1/dead-letters", { token: login.body.token });
  assert.equal(all.body.admin, true);
  assert.equal(all.body.failed_jobs.length, 3);
  assert.deepEqual(all.body.rejected_messages.map((m: { rejected: unknown }) => m.rejected), [
    { reason: "not_json", error: "Cannot parse signal: Unexpected token" },
  ]);
  assert.equal((await api.call("GET", "/api/v1/dead-letters")).status, 401);
});
