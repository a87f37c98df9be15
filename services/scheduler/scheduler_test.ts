import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { connectPostgres, type Sql } from "../../shared/db.ts";
import { PIPELINE_CHANGES_CHANNEL } from "../../shared/names.ts";
import { createTestDatabase, type TestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import { pollUntil } from "../../shared/poll_until.ts";
import { createTestRedis, type TestRedis } from "../../tests/fixtures/redis.ts";
import { createScheduler } from "./scheduler.ts";

const everySecond = { cron: "* * * * * *" };

function startScheduler(db: Pick<TestDatabase, "sql" | "url">, t: TestRedis, reloadSeconds = 60) {
  const scheduler = createScheduler(
    {
      sql: db.sql,
      connectLock: () => connectPostgres(db.url, { max: 1 }),
      redis: t.redis,
      names: t.names,
      log: getLogger(["test"]),
    },
    { tickSeconds: 0.1, reloadSeconds },
  );
  const controller = new AbortController();
  const running = scheduler.run(controller.signal);
  return {
    metrics: scheduler.metrics,
    stop: async () => {
      controller.abort();
      await running;
    },
  };
}

interface Row {
  id: string;
  status: string;
  trigger_kind: string;
  signal_id: string;
}
const executions = (sql: Sql, pipelineId: string) =>
  sql<Row[]>`select id, status, trigger_kind, signal_id from pipeline_executions
             where pipeline_id = ${pipelineId} order by queued_at`;
const lastFired = async (sql: Sql, pipelineId: string) => {
  const [row] = await sql<{ last_fired_at: Date | null }[]>`
    select last_fired_at from pipeline_schedule_state where pipeline_id = ${pipelineId}`;
  return row?.last_fired_at ?? null;
};

Deno.test("scheduler: a periodic pipeline fires on schedule and is skipped while running", async () => {
  await using db = await createTestDatabase();
  await using t = await createTestRedis();
  const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
    trigger_mode: "periodic",
    schedule: everySecond,
  });
  const scheduler = startScheduler(db, t);
  try {
    const [first] = await pollUntil("the first tick's execution", async () => {
      const rows = await executions(db.sql, pipeline.id);
      return rows.length > 0 ? rows : undefined;
    }, { timeoutMs: 10_000, intervalMs: 50 });
    assert.equal(first!.trigger_kind, "periodic");
    assert.match(first!.signal_id, new RegExp(`^tick:${pipeline.id}:\\d{4}-.*Z$`));
    assert.equal(await t.redis.xlen(t.names.jobsStream), 1);
    await db.sql`update pipeline_executions set status = 'running' where id = ${first!.id}`;
    const firedAt = (await lastFired(db.sql, pipeline.id))!;
    await pollUntil("two more ticks", async () => {
      const last = await lastFired(db.sql, pipeline.id);
      return last && last.getTime() >= firedAt.getTime() + 2000 ? true : undefined;
    }, { timeoutMs: 10_000, intervalMs: 50 });
    assert.equal((await executions(db.sql, pipeline.id)).length, 1, "busy ticks were skipped");
    assert.ok(scheduler.metrics.fired.get({ outcome: "skipped" }) >= 2);

    await db.sql`update pipeline_executions set status = 'succeeded', finished_at = now()
      where id = ${first!.id}`;
    await pollUntil("a tick after the run finished", async () => {
      const rows = await executions(db.sql, pipeline.id);
      return rows.length === 2 ? rows : undefined;
    }, { timeoutMs: 10_000, intervalMs: 50 });
    assert.equal(await t.redis.xlen(t.names.jobsStream), 2);
  } finally {
    await scheduler.stop();
  }
});

Deno.test("scheduler: after downtime a missed tick fires once, not a burst", async () => {
  await using db = await createTestDatabase();
  await using t = await createTestRedis();
  // Daily ticks: a minute's schedule let a test that crossed a minute boundary see the next,
  // rightful tick fire too (about one run in forty failed that way).
  const day = 86_400_000;
  const schedule = { every_seconds: day / 1000 };
  const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
    trigger_mode: "periodic",
    schedule,
    overlap_policy: "allow",
  });
  const missed = new Date(Math.floor(Date.now() / day) * day - 7 * day);
  await db.sql`insert into pipeline_schedule_state (pipeline_id, schedule, next_fire_at)
               values (${pipeline.id}, ${db.sql.json(schedule)}, ${missed})`;
  const scheduler = startScheduler(db, t);
  try {
    await pollUntil("the missed tick to fire", async () => {
      const last = await lastFired(db.sql, pipeline.id);
      return last?.getTime() === missed.getTime() || undefined;
    }, { timeoutMs: 10_000, intervalMs: 50 });
    // Ticks go on for a while; none of the seven missed ones fire again.
    const ticks = scheduler.metrics.fired.get({ outcome: "claimed" });
    await new Promise((r) => setTimeout(r, 500));
    const rows = await executions(db.sql, pipeline.id);
    assert.deepEqual(rows.map((r) => r.signal_id), [`tick:${pipeline.id}:${missed.toISOString()}`]);
    assert.equal(scheduler.metrics.fired.get({ outcome: "claimed" }), ticks);
    const [state] = await db.sql`select next_fire_at from pipeline_schedule_state`;
    assert.ok(state!.next_fire_at.getTime() > Date.now());
  } finally {
    await scheduler.stop();
  }
});

Deno.test("scheduler: a schedule change announced by NOTIFY is picked up without a reload", async () => {
  await using db = await createTestDatabase();
  await using t = await createTestRedis();
  const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
    trigger_mode: "periodic",
    schedule: { every_seconds: 86_400 },
  });
  const scheduler = startScheduler(db, t, 3600);
  try {
    await pollUntil(
      "the pipeline to be scheduled",
      () => Promise.resolve(scheduler.metrics.scheduled.get() === 1 || undefined),
    );
    await db.sql`update pipelines set schedule = ${db.sql.json(everySecond)}
                 where id = ${pipeline.id}`;
    await db.sql`select pg_notify(${PIPELINE_CHANGES_CHANNEL},
                 ${JSON.stringify({ op: "upsert", id: pipeline.id })})`;
    await pollUntil("a tick of the new schedule", async () => {
      const rows = await executions(db.sql, pipeline.id);
      return rows.length > 0 || undefined;
    }, { timeoutMs: 10_000, intervalMs: 50 });
  } finally {
    await scheduler.stop();
  }
});

Deno.test("scheduler: with two schedulers only the leader fires; the standby takes over", async () => {
  await using db = await createTestDatabase();
  await using t = await createTestRedis();
  const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
    trigger_mode: "periodic",
    schedule: everySecond,
    overlap_policy: "allow",
  });
  const pools = [connectPostgres(db.url, { max: 4 }), connectPostgres(db.url, { max: 4 })];
  const schedulers = pools.map((sql) => startScheduler({ sql, url: db.url }, t));
  try {
    await pollUntil("three ticks", async () => {
      const rows = await executions(db.sql, pipeline.id);
      return rows.length >= 3 || undefined;
    }, { timeoutMs: 10_000, intervalMs: 50 });
    const fired = schedulers.map((s) => s.metrics.fired.get({ outcome: "claimed" }));
    const leader = fired.findIndex((n) => n > 0);
    assert.equal(fired.filter((n) => n > 0).length, 1, `fired per scheduler: ${fired}`);
    assert.equal(schedulers[1 - leader]!.metrics.leader.get(), 0);
    const rows = await executions(db.sql, pipeline.id);
    assert.equal(new Set(rows.map((r) => r.signal_id)).size, rows.length);

    // The leader stops (see scheduler_kill_test.ts for a leader killed outright).
    await schedulers[leader]!.stop();
    const standby = schedulers[1 - leader]!;
    await pollUntil(
      "the standby to fire",
      () => Promise.resolve(standby.metrics.fired.get({ outcome: "claimed" }) > 0 || undefined),
      { timeoutMs: 10_000, intervalMs: 50 },
    );
  } finally {
    await Promise.all(schedulers.map((s) => s.stop()));
    await Promise.all(pools.map((p) => p.end({ timeout: 1 })));
  }
});
