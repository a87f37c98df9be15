/**
 * Applies `migrations/NNNN_name.sql` in order, each in its own transaction, under a Postgres
 * advisory lock so services starting together don't race. `schema_migrations` keeps each file's
 * SHA-256: an applied migration whose file changed is refused.
 */
import type { Sql } from "./db.ts";

/** One migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** What {@linkcode migrate} did. */
export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

/** Advisory lock key of the migrator ("tickwire" in ASCII, as a bigint). */
const MIGRATION_LOCK_KEY = 0x7469636b77697265n;

/** The default migrations folder: `migrations/` at the repository root. */
export const MIGRATIONS_DIR = new URL("../migrations/", import.meta.url);

/** Reads `NNNN_name.sql` files from `dir`, sorted by version; rejects duplicate versions. */
export async function readMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(entry.name);
    if (!entry.isFile || !match) continue;
    const sql = await Deno.readTextFile(new URL(entry.name, dir));
    migrations.push({
      version: Number(match[1]),
      name: entry.name,
      sql,
      checksum: await sha256Hex(sql),
    });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new Error(`Cannot migrate: version ${migrations[i]!.version} appears twice`);
    }
  }
  return migrations;
}

/**
 * Applies every pending migration, each in its own transaction, holding a session advisory lock
 * on one reserved connection; throws if an applied migration's checksum changed.
 */
export async function migrate(sql: Sql, migrations: Migration[]): Promise<MigrateResult> {
  const conn = await sql.reserve();
  try {
    await conn`select pg_advisory_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
    try {
      return await applyPending(conn, migrations);
    } finally {
      await conn`select pg_advisory_unlock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
    }
  } finally {
    conn.release();
  }
}

async function applyPending(conn: Sql, migrations: Migration[]): Promise<MigrateResult> {
  await conn`create table if not exists schema_migrations (
    version integer primary key,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`;
  const rows = await conn<{ version: number; checksum: string }[]>`
    select version, checksum from schema_migrations`;
  const applied = new Map(rows.map((r) => [r.version, r.checksum]));
  const result: MigrateResult = { applied: [], alreadyApplied: 0 };
  for (const m of migrations) {
    const checksum = applied.get(m.version);
    if (checksum !== undefined) {
      if (checksum !== m.checksum) {
        throw new Error(
          `Cannot migrate: "${m.name}" was applied with checksum ${checksum.slice(0, 12)}… ` +
            `but the file now has ${m.checksum.slice(0, 12)}…; add a new migration instead`,
        );
      }
      result.alreadyApplied++;
      continue;
    }
    await conn.unsafe("begin");
    try {
      await conn.unsafe(m.sql);
      await conn`insert into schema_migrations (version, name, checksum)
                 values (${m.version}, ${m.name}, ${m.checksum})`;
      await conn.unsafe("commit");
    } catch (cause) {
      await conn.unsafe("rollback");
      throw new Error(`Cannot migrate: "${m.name}" failed: ${(cause as Error).message}`, { cause });
    }
    result.applied.push(m.name);
  }
  return result;
}

/** What `schema_migrations` says: how many migrations are applied, and the newest one's file. */
export interface SchemaState {
  applied: number;
  latest: string | null;
}

/**
 * The schema's state; `{ applied: 0, latest: null }` before the first migration. File numbers
 * leave gaps (each line of work reserves its own), so the newest file, not its number, says
 * where a schema is.
 */
export async function schemaState(sql: Sql): Promise<SchemaState> {
  const [row] = await sql<[{ applied: number; latest: string | null }]>`
    select count(*)::int as applied,
      (select name from schema_migrations order by version desc limit 1) as latest
    from schema_migrations`.catch(() => [{ applied: 0, latest: null }]);
  return { applied: row?.applied ?? 0, latest: row?.latest ?? null };
}

/** `5 migrations applied, the newest 0018_signal_log.sql`, or `not migrated`. */
export function describeSchema(state: SchemaState): string {
  if (state.latest === null) return "not migrated";
  const count = `${state.applied} migration${state.applied === 1 ? "" : "s"} applied`;
  return `${count}, the newest ${state.latest}`;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
