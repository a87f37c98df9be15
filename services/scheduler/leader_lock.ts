/**
 * Leader election with a Postgres advisory lock held on a reserved connection: the lock lives as
 * long as that session, so when the leader dies (or its connection does) Postgres releases it and
 * a standby, retrying, takes over. The leader checks its session still holds the lock.
 */
import type { Logger } from "@logtape/logtape";
import { errorMessage, type Sql } from "../../shared/db.ts";
import { sleep } from "../worker/sleep.ts";

/** Options of {@linkcode holdLeadership}. */
export interface LeadershipOptions {
  sql: Sql;
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
  while (!signal.aborted) {
    let conn: Awaited<ReturnType<Sql["reserve"]>> | undefined;
    try {
      conn = await o.sql.reserve();
      const [row] = await conn<{ locked: boolean }[]>`
        select pg_try_advisory_lock(${key}::bigint) as locked`;
      if (row?.locked) {
        o.log.info("Became the leader");
        o.onChange?.(true);
        const lost = new AbortController();
        const leading = o.lead(AbortSignal.any([signal, lost.signal])).catch((error) =>
          o.log.error("Leading failed: {error}", { error: errorMessage(error) })
        );
        while (!signal.aborted && await stillHeld(conn, key)) await sleep(checkMs, signal);
        if (!signal.aborted) o.log.warn("Lost the leader lock; standing by");
        lost.abort();
        await leading;
        o.onChange?.(false);
        await conn`select pg_advisory_unlock(${key}::bigint)`.catch(() => {});
      }
    } catch (error) {
      o.log.warn("Leader election failed: {error}", { error: errorMessage(error) });
    } finally {
      conn?.release();
    }
    await sleep(checkMs, signal);
  }
}

async function stillHeld(conn: Sql, key: string): Promise<boolean> {
  try {
    const [row] = await conn<{ held: boolean }[]>`
      select exists (
        select 1 from pg_locks
        where locktype = 'advisory' and pid = pg_backend_pid() and granted and objsubid = 1
          and ((classid::bigint << 32) | objid::bigint) = ${key}::bigint
      ) as held`;
    return row?.held === true;
  } catch {
    return false;
  }
}
