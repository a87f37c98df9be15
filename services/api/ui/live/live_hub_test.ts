/** The execution-change trigger (migrations 0014, 0025) and the hub, on real Postgres and Redis. */
import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { createTestDatabase } from "../../../../tests/fixtures/database.ts";
import { pollUntil } from "../../../../shared/poll_until.ts";
import { createLiveHub, pipelineTopic, SIGNALS_TOPIC } from "./live_hub.ts";
import { createTestRedis } from "../../../../tests/fixtures/redis.ts";
import { connectPostgres } from "../../../../shared/db.ts";
import { duplicateRedis } from "../../../../shared/redis.ts";
import { announceChanges } from "../../../../shared/announce_changes.ts";

Deno.test({
  name: "live hub: one notification per statement, none for heartbeats, fanned out by pipeline",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using db = await createTestDatabase();
    const sql = db.sql;
    const [user] = await sql<[{ id: string }]>`
      insert into users (email, password_hash) values ('hub@test.local', 'x') returning id`;
    const [a, b] = await sql<{ id: string }[]>`
      insert into pipelines (owner_id, name, trigger_mode, scanner_tickers)
      values (${user.id}, 'a', 'signal', '["AAPL"]'), (${user.id}, 'b', 'signal', '["MSFT"]')
      returning id`;
    const hub = createLiveHub(sql, getLogger(["tickwire", "test"]));
    const heard = { a: 0, b: 0 };
    const stopA = await hub.subscribe(pipelineTopic(a!.id), () => heard.a++);
    const stopB = await hub.subscribe(pipelineTopic(b!.id), () => heard.b++);
    assert.equal(hub.size, 2);

    // Ten executions of `a` in one statement: one notification.
    await sql`
      insert into pipeline_executions (pipeline_id, trigger_kind, signal_id)
      select ${a!.id}, 'signal', 'sig-' || n from generate_series(1, 10) n`;
    await pollUntil("a's notification", () => (heard.a === 1) ? true : undefined, {
      timeoutMs: 5000,
      intervalMs: 20,
    });
    // A heartbeat changes neither status nor attempts: nothing to show, nothing sent.
    await sql`update pipeline_executions set heartbeat_at = now() where pipeline_id = ${a!.id}`;
    // Status changes on both pipelines in one statement: one notification each.
    await sql`insert into pipeline_executions (pipeline_id, trigger_kind) values (${
      b!.id
    }, 'manual')`;
    await sql`update pipeline_executions set status = 'running'`;
    await pollUntil("b's notifications", () => (heard.b === 2) ? true : undefined, {
      timeoutMs: 5000,
      intervalMs: 20,
    });
    assert.deepEqual(heard, { a: 2, b: 2 });

    // The signal log: one notification per statement, whatever the number of rows.
    let signals = 0;
    const stopSignals = await hub.subscribe(SIGNALS_TOPIC, () => signals++);
    await sql`
      insert into signal_log (signal_id, ticker, topic, partition, kafka_offset, received_at,
        decided_at)
      select 's' || n, 'AAPL', 't', 0, n, now(), now() from generate_series(1, 5) n`;
    await pollUntil("the signal log notification", () => signals === 1 ? true : undefined, {
      timeoutMs: 5000,
      intervalMs: 20,
    });

    stopA();
    stopB();
    stopSignals();
    assert.equal(hub.size, 0);
    assert.equal(signals, 1);
  },
});

Deno.test({
  name:
    "live hub: a pool that announces off notifies nothing; its announcements on Redis are heard",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using db = await createTestDatabase();
    await using r = await createTestRedis();
    const quiet = connectPostgres(db.url, { max: 1, announce: false });
    const subscriber = duplicateRedis(r.redis, getLogger(["tickwire", "test"]));
    try {
      const [user] = await db.sql<[{ id: string }]>`
        insert into users (email, password_hash) values ('quiet@test.local', 'x') returning id`;
      const [p] = await db.sql<[{ id: string }]>`
        insert into pipelines (owner_id, name, trigger_mode, scanner_tickers)
        values (${user.id}, 'p', 'signal', '["AAPL"]') returning id`;
      const hub = createLiveHub(db.sql, getLogger(["tickwire", "test"]), {
        subscriber,
        names: r.names,
      });
      const heard = { pipeline: 0, signals: 0 };
      await hub.subscribe(pipelineTopic(p.id), () => heard.pipeline++);
      await hub.subscribe(SIGNALS_TOPIC, () => heard.signals++);

      await quiet`insert into pipeline_executions (pipeline_id, trigger_kind, signal_id)
        values (${p.id}, 'signal', 'quiet-1')`;
      await quiet`
        insert into signal_log (signal_id, ticker, topic, partition, kafka_offset, received_at,
          decided_at)
        values ('quiet-1', 'AAPL', 't', 0, 1, now(), now())`;
      // A notification would have arrived by the time a later one from the normal pool does.
      await db.sql`insert into pipeline_executions (pipeline_id, trigger_kind, signal_id)
        values (${p.id}, 'signal', 'loud-1')`;
      await pollUntil("the normal pool's notification", () => heard.pipeline > 0 || undefined, {
        timeoutMs: 5000,
        intervalMs: 20,
      });
      assert.deepEqual(heard, { pipeline: 1, signals: 0 });

      await announceChanges(r.redis, r.names, [p.id], true);
      await pollUntil("the Redis announcements", () => {
        return heard.pipeline === 2 && heard.signals === 1 ? true : undefined;
      }, { timeoutMs: 5000, intervalMs: 20 });
    } finally {
      subscriber.disconnect();
      await quiet.end({ timeout: 1 });
    }
  },
});
