/** Leader takeover with real processes: the leading scheduler is killed, the standby fires. */
import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import { freePort, startService } from "../../tests/fixtures/processes.ts";
import { pollUntil } from "../../shared/poll_until.ts";
import { createTestRedis } from "../../tests/fixtures/redis.ts";

async function isLeader(port: number): Promise<boolean> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return /^tickwire_scheduler_leader 1$/m.test(text);
}

Deno.test({
  name: "scheduler: when the leader process is killed the standby takes over",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using db = await createTestDatabase();
    await using t = await createTestRedis();
    const pipeline = await insertPipeline(db.sql, await insertUser(db.sql), {
      trigger_mode: "periodic",
      schedule: { cron: "* * * * * *" },
      overlap_policy: "allow",
    });
    const ports = [freePort(), freePort()];
    const processes = ports.map((port) =>
      startService("scheduler", {
        DATABASE_URL: db.url,
        REDIS_KEY_PREFIX: t.prefix,
        METRICS_PORT_SCHEDULER: String(port),
        SCHEDULER_TICK_SECONDS: "0.2",
      })
    );
    try {
      const leader = await pollUntil("one scheduler to lead", async () => {
        const leading = await Promise.all(ports.map(isLeader));
        return leading.filter(Boolean).length === 1 ? leading.indexOf(true) : undefined;
      }, { timeoutMs: 30_000 });
      processes[leader]!.child.kill("SIGKILL");
      await processes[leader]!.stop();
      const killedAt = new Date();
      await pollUntil(
        "the standby to lead",
        async () => await isLeader(ports[1 - leader]!) || undefined,
      );
      await pollUntil("a tick fired by the standby", async () => {
        const [row] = await db.sql`select count(*)::int as n from pipeline_executions
          where pipeline_id = ${pipeline.id} and queued_at > ${killedAt}`;
        return row!.n > 0 || undefined;
      });
      const [dupes] = await db.sql`select count(*)::int as n from (select signal_id
        from pipeline_executions group by signal_id having count(*) > 1) d`;
      assert.equal(dupes!.n, 0);
    } catch (error) {
      for (const p of processes) console.error(`--- ${p.name} ---\n${p.output().slice(-3000)}`);
      throw error;
    } finally {
      await Promise.all(processes.map((p) => p.stop()));
    }
  },
});
