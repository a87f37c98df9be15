/**
 * Leader election with a Postgres advisory lock held on a reserved connection: the lock lives as
 * long as that session, so when the leader dies (or its connection does) Postgres releases it and
 * a standby, retrying, takes over. The leader checks its session still holds the lock.
 */
import type { Logger } from "@logtape/logtape";
import { type Sql } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import { sleep } from "../../shared/sleep.ts";
import { withTimeout } from "../../shared/timeout.ts";

/** Options of {@linkcode holdLeadership}. */
export interface LeadershipOptions {
  /**
   * Opens a one-connection client that holds the lock; ended after each round, so a connection
   * the driver left hung (porsager/postgres#1208) is dropped rather than reused.
   */
  connect(): Sql;
  log: Logger;
  /** The advisory lock key (a bigint). */
  key: bigint;
  /** How often a standby tries, and the leader checks its lock; default 1000 ms. */
  checkMs?: number;
  /** Runs while leading; its signal aborts when leadership is lost or `signal` aborts. */
  lead(leadership: AbortSignal): Promise<void>;
  /** Called with true on becoming leader and false on losing it. */
  onChange?(leader: boolean): void;
}

/** Competes for leadership until `signal` aborts; leads whenever it holds the lock. */
export async function holdLeadership(o: LeadershipOptions, signal: AbortSignal): Promise<void> {
  const checkMs = o.checkMs ?? 1000;
  const key = o.key.toString();
  const timeoutMs = Math.max(3 * checkMs, 3000);
  while (!signal.aborted) {
    const conn = o.connect();
    try {
      const [row] = await withTimeout(
        conn<{ locked: boolean }[]>`select pg_try_advisory_lock(${key}::bigint) as locked`,
        timeoutMs,
        "Postgres",
      );
      if (row?.locked) {
        o.log.info("Became the leader");
        o.onChange?.(true);
        const lost = new AbortController();
        const leading = o.lead(AbortSignal.any([signal, lost.signal])).catch((error) =>
          o.log.error("Leading failed: {error}", { error: errorMessage(error) })
        );
        while (!signal.aborted && await stillHeld(conn, key, timeoutMs)) {
          await sleep(checkMs, signal);
        }
        if (!signal.aborted) o.log.warn("Lost the leader lock; standing by");
        lost.abort();
        await leading;
        o.onChange?.(false);
      }
    } catch (error) {
      o.log.warn("Leader election failed: {error}", { error: errorMessage(error) });
    } finally {
      // Closing the session releases its advisory lock.
      await conn.end({ timeout: 0 }).catch(() => {});
    }
    await sleep(checkMs, signal);
  }
}

async function stillHeld(conn: Sql, key: string, timeoutMs: number): Promise<boolean> {
  try {
    const [row] = await withTimeout(
      conn<{ held: boolean }[]>`
      select exists (
        select 1 from pg_locks
        where locktype = 'advisory' and pid = pg_backend_pid() and granted and objsubid = 1
          and ((classid::bigint << 32) | objid::bigint) = ${key}::bigint
      ) as held`,
      timeoutMs,
      "Postgres",
    );
    return row?.held === true;
  } catch {
    return false;
  }
}
