import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { maintainSignalLog } from "./retention.ts";

const partitions = async (sql: import("../db.ts").Sql) =>
  (await sql<{ name: string }[]>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'signal_log'::regclass order by 1`).map((r) => r.name);

const day = (offsetDays: number) => {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return d.toISOString().slice(0, 10);
};

Deno.test("signal log retention: partitions past the retention are dropped, recent ones kept", async () => {
  await using db = await createTestDatabase();
  const { sql } = db;
  const old = day(-40);
  const oldName = `signal_log_${old.replaceAll("-", "")}`;
  const next = new Date(Date.parse(old) + 86_400_000).toISOString().slice(0, 10);
  await sql.unsafe(
    `create table ${oldName} partition of signal_log for values from ('${old}') to ('${next}')`,
  );
  const row = (receivedAt: string) => ({
    signal_id: `s-${receivedAt}`,
    topic: "t",
    partition: 0,
    kafka_offset: 1,
    received_at: receivedAt,
    decided_at: receivedAt,
  });
  for (const r of [row(`${old}T12:00:00Z`), row(new Date().toISOString())]) {
    await sql`insert into signal_log ${sql(r)}`;
  }
  const today = `signal_log_${day(0).replaceAll("-", "")}`;
  const before = await partitions(sql);
  assert.ok(before.includes(oldName) && before.includes(today));

  assert.deepEqual(await maintainSignalLog(sql, 30), [oldName]);
  const after = await partitions(sql);
  assert.ok(!after.includes(oldName));
  assert.ok(after.includes(today));
  assert.ok(after.includes(`signal_log_${day(3).replaceAll("-", "")}`), "three days ahead");
  const kept = await sql<{ signal_id: string }[]>`select signal_id from signal_log`;
  assert.equal(kept.length, 1);
  assert.notEqual(kept[0]!.signal_id, `s-${old}T12:00:00Z`);

  assert.deepEqual(await maintainSignalLog(sql, 30), [], "a second run drops nothing");
});
