import assert from "node:assert/strict";
import { describeSchema, migrate, readMigrations, schemaState } from "./migrate.ts";
import { createTestDatabase } from "../tests/fixtures/database.ts";

Deno.test("migrations apply to an empty database and re-apply as a no-op", async () => {
  await using db = await createTestDatabase({ migrated: false });
  const migrations = await readMigrations();
  assert.ok(migrations.length >= 1);

  const first = await migrate(db.sql, migrations);
  assert.deepEqual(first.applied, migrations.map((m) => m.name));
  const [{ count }] = await db.sql<[{ count: number }]>`
    select count(*)::int as count from information_schema.tables
    where table_name in ('users', 'api_tokens', 'pipelines', 'pipeline_executions')`;
  assert.equal(count, 4);

  const second = await migrate(db.sql, migrations);
  assert.deepEqual(second, { applied: [], alreadyApplied: migrations.length });
});

Deno.test("an applied migration whose file changed is refused", async () => {
  await using db = await createTestDatabase({ migrated: false });
  const migrations = await readMigrations();
  await migrate(db.sql, migrations);
  const edited = migrations.map((m, i) => i === 0 ? { ...m, checksum: "0".repeat(64) } : m);
  await assert.rejects(
    () => migrate(db.sql, edited),
    /Cannot migrate: "0001_initial_schema.sql" was applied with checksum/,
  );
});

Deno.test("a failing migration is rolled back alone and named", async () => {
  await using db = await createTestDatabase({ migrated: false });
  const good = await readMigrations();
  const bad = {
    version: 9999,
    name: "9999_broken.sql",
    sql: "create table t9999 (x int); select 1/0;",
    checksum: "x",
  };
  await assert.rejects(
    () => migrate(db.sql, [...good, bad]),
    /"9999_broken.sql" failed: division by zero/,
  );
  const [{ n }] = await db.sql<[{ n: number }]>`select count(*)::int as n from schema_migrations`;
  assert.equal(n, good.length);
  const [{ exists }] = await db.sql<
    [{ exists: boolean }]
  >`select to_regclass('t9999') is not null as exists`;
  assert.equal(exists, false);
});

Deno.test("two processes migrating at once both succeed", async () => {
  await using db = await createTestDatabase({ migrated: false });
  const run = () =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../services/migrate/main.ts", import.meta.url).pathname],
      env: { DATABASE_URL: db.url, LOG_FORMAT: "json" },
      stdout: "piped",
      stderr: "piped",
    }).output();
  const results = await Promise.all([run(), run()]);
  for (const r of results) {
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  }
  const [{ n }] = await db.sql<[{ n: number }]>`select count(*)::int as n from schema_migrations`;
  assert.equal(n, (await readMigrations()).length);
});

Deno.test("schema state: the count of applied migrations and the newest file, in one sentence", async () => {
  await using db = await createTestDatabase({ migrated: false });
  assert.equal(describeSchema(await schemaState(db.sql)), "not migrated");
  const migrations = await readMigrations();
  await migrate(db.sql, migrations);
  const state = await schemaState(db.sql);
  assert.deepEqual(state, { applied: migrations.length, latest: migrations.at(-1)!.name });
  assert.equal(
    describeSchema(state),
    `${migrations.length} migrations applied, the newest ${migrations.at(-1)!.name}`,
  );
});
