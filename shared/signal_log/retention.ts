/**
 * Retention of the signal log: the daily partitions of the next days are created and those past
 * SIGNAL_RETENTION_DAYS dropped, by the SQL function `signal_log_maintain` (migration 0018),
 * which holds an advisory lock so every dispatcher may run it. Dropping a partition is one
 * catalog change, whatever the number of rows in it.
 */
import type { Sql } from "../db.ts";
import { sleep } from "../sleep.ts";

/** Creates the coming days' partitions, drops the expired ones; returns the names dropped. */
export async function maintainSignalLog(sql: Sql, retentionDays: number): Promise<string[]> {
  const rows = await sql<{ dropped: string }[]>`
    select signal_log_maintain(${retentionDays}::integer) as dropped`;
  return rows.map((r) => r.dropped);
}

/** Options of {@linkcode runSignalLogRetention}. */
export interface RetentionLoopOptions {
  sql: Sql;
  retentionDays: number;
  /** Time between runs; default one hour. */
  intervalMs?: number;
  signal: AbortSignal;
  /** Called after each run with the partitions dropped, or the error (the loop goes on). */
  onRun: (result: { dropped: string[] } | { error: unknown }) => void;
}

/** Maintains the signal log at once, then every `intervalMs`, until `signal` aborts. */
export async function runSignalLogRetention(options: RetentionLoopOptions): Promise<void> {
  const { signal } = options;
  while (!signal.aborted) {
    try {
      options.onRun({ dropped: await maintainSignalLog(options.sql, options.retentionDays) });
    } catch (error) {
      options.onRun({ error });
    }
    await sleep(options.intervalMs ?? 3_600_000, signal);
  }
}
