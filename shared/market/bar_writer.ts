/**
 * The generator's link to `market_bars`: stores each day's bars so agents can read them, without
 * ever stopping the scan. While Postgres fails, bars wait in a bounded buffer (the oldest are
 * dropped past `maxPending`) and are written with the next day that gets through, trying again
 * after a pause; one line is logged when storing stops and one when it works again.
 */
import type { Sql } from "../db.ts";
import { errorMessage } from "../errors.ts";
import type { Logger } from "../logging.ts";
import type { Bar } from "./bar.ts";
import { writeBars } from "./bars_store.ts";

/** Options of {@linkcode createBarWriter}. */
export interface BarWriterOptions {
  sql: Sql;
  log: Logger;
  /** Pause after a failure before trying again; default 30 s. */
  retryAfterMs?: number;
  /** Most bars kept while Postgres is down; default 100 000. */
  maxPending?: number;
  /** Clock; default Date.now. */
  now?: () => number;
}

/** A function that stores bars (now, or once Postgres is back); it never throws. */
export function createBarWriter(
  options: BarWriterOptions,
): (bars: readonly Bar[]) => Promise<void> {
  const { sql, log } = options;
  const retryAfterMs = options.retryAfterMs ?? 30_000;
  const maxPending = options.maxPending ?? 100_000;
  const now = options.now ?? Date.now;
  let pending: Bar[] = [];
  let failing = false;
  let nextTry = 0;
  return async (bars) => {
    pending = [...pending, ...bars].slice(-maxPending);
    if (pending.length === 0 || now() < nextTry) return;
    try {
      await writeBars(sql, pending);
      if (failing) {
        log.info("Storing bars in market_bars again ({count} caught up)", {
          count: pending.length,
        });
      }
      pending = [];
      failing = false;
    } catch (error) {
      if (!failing) {
        log.warn(
          "Cannot store bars in market_bars; keeping them and retrying every {seconds} s: {error}",
          { seconds: retryAfterMs / 1000, error: errorMessage(error) },
        );
      }
      failing = true;
      nextTry = now() + retryAfterMs;
    }
  };
}
