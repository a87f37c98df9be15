import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import { runExecutionRound } from "./execution_round.ts";
import { decideDeliveries } from "./deliveries.ts";
import { jobFields } from "../../shared/schemas/job.ts";
import { EXECUTION_CHANGES_CHANNEL } from "../../shared/names.ts";
import { pollUntil } from "../../shared/poll_until.ts";

Deno.test("execution round: one statement finishes runs and starts others; an execution in both is only finished", async () => {
  await using db = await createTestDatabase();
  const p = await insertPipeline(db.sql, await insertUser(db.sql));
  const insert = async (status: string, worker: string | null) => {
    const [row] = await db.sql<[{ id: string }]>`
      insert into pipeline_executions (pipeline_id, trigger_kind, status, worker_id, attempts)
      values (${p.id}, 'manual', ${status}::execution_status, ${worker},
        ${status === "running" ? 1 : 0})
      returning id`;
    return row.id;
  };
  const running = await insert("running", "w1");
  const queued = await insert("queued", null);
  const entry = (id: string) => ({
    entry: {
      id: `${id}-e`,
      fields: jobFields({ execution_id: id, pipeline_id: p.id, enqueued_at: 1 }),
      reclaimed: true,
    },
    job: { execution_id: id, pipeline_id: p.id, enqueued_at: 1 },
  });
  // The running one is finished here and also delivered again (reclaimed): it must not restart.
  const { executions, owned } = await runExecutionRound(db.sql, {
    ids: [queued, running],
    enqueuedAtMs: [1000, 1000],
    reclaimedIds: [running],
    workerId: "w1",
    visibilityTimeoutSeconds: 0,
  }, [{
    id: running,
    workerId: "w1",
    completion: { status: "succeeded", steps: [], result: { outputs: {} }, error: null },
  }]);
  assert.deepEqual(owned, [true]);
  const decided = decideDeliveries([entry(queued), entry(running)], executions);
  assert.deepEqual(decided.map((d) => d.delivery), ["run", "leave"]);
  const rows = await db.sql<{ id: string; status: string; attempts: number; worker_id: string }[]>`
    select id, status, attempts, worker_id from pipeline_executions order by status`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  assert.equal(byId.get(running)?.status, "succeeded");
  assert.equal(byId.get(running)?.attempts, 1, "not taken over by the start");
  assert.equal(byId.get(queued)?.status, "running");
  assert.equal(byId.get(queued)?.worker_id, "w1");
});

Deno.test("execution round: an empty round sends nothing; a start alone returns what exists", async () => {
  await using db = await createTestDatabase();
  assert.deepEqual(await runExecutionRound(db.sql, null, []), {
    executions: [],
    owned: [],
    changed: [],
  });
  const gone = crypto.randomUUID();
  const { executions, owned } = await runExecutionRound(db.sql, {
    ids: [gone],
    reclaimedIds: [],
    workerId: "w1",
    visibilityTimeoutSeconds: 60,
  }, []);
  assert.deepEqual(executions, []);
  assert.deepEqual(owned, []);
});

Deno.test("execution round: a pipeline's config comes once and its runs share it", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const a = await insertPipeline(db.sql, owner, { config: { steps: [] } });
  const b = await insertPipeline(db.sql, owner, { name: "other", config: { steps: [] } });
  const ids = await db.sql<{ id: string }[]>`
    insert into pipeline_executions (pipeline_id, trigger_kind)
    select unnest(${`{${a.id},${a.id},${a.id},${b.id}}`}::uuid[]), 'manual'
    returning id`;
  const { executions } = await runExecutionRound(db.sql, {
    ids: ids.map((r) => r.id),
    reclaimedIds: [],
    workerId: "w1",
    visibilityTimeoutSeconds: 60,
  }, []);
  assert.equal(executions.length, 4);
  const ofA = executions.filter((e) => e.pipeline_id === a.id);
  const [ofB] = executions.filter((e) => e.pipeline_id === b.id);
  assert.deepEqual(ofA[0]?.config, { steps: [] });
  assert.ok(ofA.every((e) => e.config === ofA[0]?.config), "one object for the pipeline's runs");
  assert.deepEqual(ofB?.config, { steps: [] });
  assert.notEqual(ofB?.config, ofA[0]?.config);
});

Deno.test("execution round: a start is a HOT update (no index entry), an outcome is not", async () => {
  // Migration 0027: no index names a column a start changes. An index on status or heartbeat_at
  // would make every start write into every index again, and this test fail.
  await using db = await createTestDatabase({ max: 1 });
  const p = await insertPipeline(db.sql, await insertUser(db.sql));
  const ids = (await db.sql<{ id: string }[]>`
    insert into pipeline_executions (pipeline_id, trigger_kind, signal_id)
    select ${p.id}::uuid, 'signal', 's' || g from generate_series(1, 50) as g
    returning id`).map((r) => r.id);
  /** Updates of the table so far, HOT and all; the pool's one connection flushes its counters. */
  const updates = async () => {
    await db.sql`select pg_stat_force_next_flush()`;
    const [row] = await db.sql<[{ hot: number; all: number }]>`
      select n_tup_hot_upd::int as hot, n_tup_upd::int as all
      from pg_stat_user_tables where relname = 'pipeline_executions'`;
    return row;
  };
  const before = await updates();
  const start = { ids, reclaimedIds: [], workerId: "w1", visibilityTimeoutSeconds: 60 };
  const { executions } = await runExecutionRound(db.sql, start, []);
  assert.equal(executions.filter((e) => e.started).length, 50);
  const started = await updates();
  assert.deepEqual({ hot: started.hot - before.hot, all: started.all - before.all }, {
    hot: 50,
    all: 50,
  });
  const completion = { status: "succeeded", steps: [], result: null, error: null } as const;
  const { owned } = await runExecutionRound(
    db.sql,
    null,
    ids.map((id) => ({ id, workerId: "w1", completion })),
  );
  assert.ok(owned.every(Boolean));
  const finished = await updates();
  assert.equal(finished.all - started.all, 50);
});

Deno.test("execution round: not notifying, it NOTIFYs nothing and names the pipelines it changed", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const [started, finished, refused, marker] = await Promise.all(
    ["started", "finished", "refused", "marker"].map((name) =>
      insertPipeline(db.sql, owner, { name })
    ),
  );
  const insert = async (pipelineId: string, status: string, worker: string | null) => {
    const [row] = await db.sql<[{ id: string }]>`
      insert into pipeline_executions (pipeline_id, trigger_kind, status, worker_id, attempts)
      values (${pipelineId}, 'manual', ${status}::execution_status, ${worker},
        ${status === "running" ? 1 : 0})
      returning id`;
    return row.id;
  };
  const [toStart, toFinish, notOurs, markerRun] = [
    await insert(started!.id, "queued", null),
    await insert(finished!.id, "running", "w1"),
    await insert(refused!.id, "running", "w2"),
    await insert(marker!.id, "queued", null),
  ];
  const heard: string[] = [];
  const listening = await db.sql.listen(EXECUTION_CHANGES_CHANNEL, (ids) => heard.push(ids));
  try {
    const completion = { status: "succeeded", steps: [], result: null, error: null } as const;
    const round = (notify: boolean, ids: string[], finishes: string[]) =>
      runExecutionRound(
        db.sql,
        {
          ids,
          reclaimedIds: [],
          workerId: "w1",
          visibilityTimeoutSeconds: 60,
        },
        finishes.map((id) => ({ id, workerId: "w1", completion })),
        { notify },
      );
    const { changed, owned } = await round(false, [toStart], [toFinish, notOurs]);
    assert.deepEqual(owned, [true, false]);
    assert.deepEqual(changed.toSorted(), [started!.id, finished!.id].toSorted());
    // Notifications come in commit order: once the notifying round's is heard, the first
    // round's would have been.
    await round(true, [markerRun], []);
    await pollUntil("the notifying round's NOTIFY", () => heard.length > 0 || undefined, {
      timeoutMs: 5000,
      intervalMs: 20,
    });
    assert.deepEqual(heard, [marker!.id]);
    const [setting] = await db.sql<[{ value: string | null }]>`
      select current_setting('tickwire.announce', true) as value`;
    assert.notEqual(setting.value, "off", "the setting outlived the round's transaction");
  } finally {
    await listening.unlisten();
  }
});
