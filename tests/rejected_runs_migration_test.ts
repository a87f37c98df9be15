/**
 * Migrations 0022-0023: runs recorded as `skipped` whose trade was refused become `rejected`,
 * with the refusing step; a rule's halt stays `skipped`.
 */
import assert from "node:assert/strict";
import { migrate, readMigrations } from "../shared/migrate.ts";
import { createTestDatabase } from "./fixtures/database.ts";
import { insertPipeline, insertUser } from "./fixtures/pipelines.ts";

Deno.test("migration 0023: skipped runs with a refused trade become rejected, rule halts stay", async () => {
  await using db = await createTestDatabase({ migrated: false });
  const { sql } = db;
  const all = await readMigrations();
  await migrate(sql, all.filter((m) => m.version <= 21));
  const pipeline = await insertPipeline(sql, await insertUser(sql));
  const run = async (outcome: string, stepStatus: string) => {
    const steps = [
      { id: "gate", agent: "signal_gate", status: "succeeded" },
      { id: "order", agent: "paper_order", status: stepStatus },
      { id: "note", agent: "log", status: "skipped" },
    ];
    const result = { halted: { step: "order", reason: `${outcome} here`, outcome } };
    const [row] = await sql<{ id: string }[]>`
      insert into pipeline_executions (pipeline_id, trigger_kind, status, steps, result)
      values (${pipeline.id}, 'manual', 'skipped', ${sql.json(steps)}, ${sql.json(result)})
      returning id`;
    return row!.id;
  };
  const refused = await run("rejected", "halted");
  const ruled = await run("halted", "halted");
  await migrate(sql, all);
  const rows = await sql<{ id: string; status: string; steps: { status: string }[] }[]>`
    select id, status::text, steps from pipeline_executions`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  assert.equal(byId.get(refused)?.status, "rejected");
  assert.deepEqual(byId.get(refused)?.steps.map((s) => s.status), [
    "succeeded",
    "rejected",
    "skipped",
  ]);
  assert.equal(byId.get(ruled)?.status, "skipped");
  assert.deepEqual(byId.get(ruled)?.steps.map((s) => s.status), ["succeeded", "halted", "skipped"]);
});
