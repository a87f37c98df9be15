/** The execution-change trigger (migration 0014) and the hub, on real Postgres. */
import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { createTestDatabase } from "../../../../tests/fixtures/database.ts";
import { waitFor } from "../../../../tests/fixtures/processes.ts";
import { createLiveHub, pipelineTopic } from "./live_hub.ts";

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
    await waitFor(
      "a's notification",
      () => Promise.resolve(heard.a === 1 ? true : undefined),
      5000,
      20,
    );
    // A heartbeat changes neither status nor attempts: nothing to show, nothing sent.
    await sql`update pipeline_executions set heartbeat_at = now() where pipeline_id = ${a!.id}`;
    // Status changes on both pipelines in one statement: one notification each.
    await sql`insert into pipeline_executions (pipeline_id, trigger_kind) values (${
      b!.id
    }, 'manual')`;
    await sql`update pipeline_executions set status = 'running'`;
    await waitFor(
      "b's notifications",
      () => Promise.resolve(heard.b === 2 ? true : undefined),
      5000,
      20,
    );
    assert.deepEqual(heard, { a: 2, b: 2 });

    stopA();
    stopB();
    assert.equal(hub.size, 0);
  },
});
