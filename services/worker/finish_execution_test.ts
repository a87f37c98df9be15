import assert from "node:assert/strict";
import { finishExecutions } from "./finish_execution.ts";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import type { StepRecord } from "./run_pipeline.ts";

const step: StepRecord = {
  id: "a",
  agent: "rule",
  status: "halted",
  output: { a: 1 },
  error: null,
  started_at: null,
  duration_ms: 1,
};

Deno.test("finishExecutions: one statement records each owner's outcome and refuses the rest", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const ids: string[] = [];
  for (const worker of ["w1", "w1", "w2"]) {
    const p = await insertPipeline(db.sql, owner);
    const [row] = await db.sql<[{ id: string }]>`
      insert into pipeline_executions (pipeline_id, trigger_kind, active_slot, status, worker_id)
      values (${p.id}, 'manual', 0, 'running', ${worker}) returning id`;
    ids.push(row.id);
  }
  const retryAt = new Date(Date.now() + 60_000);
  const owned = await finishExecutions(db.sql, [
    {
      id: ids[0]!,
      workerId: "w1",
      completion: {
        status: "skipped",
        steps: [step],
        result: { outputs: { a: 1 }, halted: { step: "a", reason: "no", outcome: "halted" } },
        error: null,
      },
    },
    {
      id: ids[1]!,
      workerId: "w1",
      completion: { status: "queued", steps: [], error: "503", retryAt },
    },
    {
      id: ids[2]!,
      workerId: "w1",
      completion: { status: "failed", steps: [], result: null, error: "x" },
    },
  ]);
  assert.deepEqual(owned, [true, true, false], "w2 owns the third");
  const rows = await db.sql<
    {
      id: string;
      status: string;
      result: unknown;
      steps: unknown;
      enqueued_at: Date | null;
      finished_at: Date | null;
    }[]
  >`
    select id, status, result, steps, enqueued_at, finished_at from pipeline_executions`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  assert.equal(byId.get(ids[0]!)?.status, "skipped");
  // Each output is stored once, in its step; the result keeps only the halt.
  assert.deepEqual(byId.get(ids[0]!)?.result, {
    halted: { step: "a", reason: "no", outcome: "halted" },
  });
  assert.deepEqual(byId.get(ids[0]!)?.steps, [step]);
  assert.ok(byId.get(ids[0]!)?.finished_at);
  assert.equal(byId.get(ids[1]!)?.status, "queued");
  assert.equal(byId.get(ids[1]!)?.enqueued_at?.getTime(), retryAt.getTime());
  assert.equal(byId.get(ids[1]!)?.finished_at, null);
  assert.equal(byId.get(ids[2]!)?.status, "running");
});

Deno.test("finishExecutions: an output or error Postgres cannot store is recorded with U+FFFD", async () => {
  await using db = await createTestDatabase();
  const p = await insertPipeline(db.sql, await insertUser(db.sql));
  const [row] = await db.sql<[{ id: string }]>`
    insert into pipeline_executions (pipeline_id, trigger_kind, active_slot, status, worker_id)
    values (${p.id}, 'manual', 0, 'running', 'w1') returning id`;
  // E.g. a webhook that answered binary: its text reaches the step's output.
  const owned = await finishExecutions(db.sql, [{
    id: row.id,
    workerId: "w1",
    completion: {
      status: "failed",
      steps: [{ ...step, status: "failed", output: { body: "a\u0000b", ["k\ud800"]: 1 } }],
      result: { outputs: {} },
      error: "answered 400: \u0000\udfff",
    },
  }]);
  assert.deepEqual(owned, [true]);
  const [stored] = await db.sql<[{ status: string; steps: StepRecord[]; error: string }]>`
    select status, steps, error from pipeline_executions where id = ${row.id}`;
  assert.equal(stored.status, "failed");
  assert.deepEqual(stored.steps[0]?.output, { body: "a\ufffdb", ["k\ufffd"]: 1 });
  assert.equal(stored.error, "answered 400: \ufffd\ufffd");
});
