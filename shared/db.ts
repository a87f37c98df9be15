/** Postgres connections (npm:postgres). Nothing connects at import time. */
import postgres from "postgres";
import { errorMessage } from "./errors.ts";

/** A postgres.js client. */
export type Sql = postgres.Sql;

/** A client or an open transaction: what a query function that may run inside one accepts. */
export type Queryable = postgres.ISql;

/** Options of {@linkcode connectPostgres}. */
export interface PostgresOptions {
  /** Pool size; default 10. */
  max?: number;
  /**
   * Whether this pool's writes to pipeline_executions and signal_log NOTIFY the live pages;
   * default true. The dispatcher says false and announces them on Redis (migrations 0025, 0028).
   */
  announce?: boolean;
  /** Application name shown in pg_stat_activity; default "tickwire". */
  applicationName?: string;
}

/** Opens a pool (lazily: the first query connects). Notices are silenced. */
export function connectPostgres(url: string, options: PostgresOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connect_timeout: 5,
    idle_timeout: 60,
    connection: {
      application_name: options.applicationName ?? "tickwire",
      ...(options.announce === false ? { "tickwire.announce": "off" } : {}),
    },
    transform: { undefined: null },
  });
}

/** Runs `select 1`; throws an Error naming the URL (without password) and how to start Postgres. */
export async function pingPostgres(sql: Sql, url: string): Promise<void> {
  try {
    await sql`select 1`;
  } catch (cause) {
    throw new Error(
      `Cannot reach Postgres at ${redactUrl(url)}: ${errorMessage(cause)} ` +
        `(start it, e.g. "pg_ctlcluster 15 main start", or set DATABASE_URL)`,
      { cause },
    );
  }
}

/** A URL with its password replaced by "***". */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<invalid url>";
  }
}
