/**
 * The worker's first stage: read entries for as many free slots as there are, hand them to the
 * next stage without waiting for it, read again. Slots are taken as entries are read, so entries
 * whose start statement is still in flight count as held: the loop never takes more than it can
 * run. A stage that fails (a read, or a delivery it handed on) makes the loop back off.
 */
import { exponentialDelay } from "../../shared/backoff.ts";
import { sleep } from "../../shared/sleep.ts";
import type { StreamEntry } from "./job_stream.ts";
import type { Slots } from "./slots.ts";

/** What the read loop is given. */
export interface ReadLoopDeps {
  /** Every pool an entry holds a slot of while in flight; the smallest free count bounds a read. */
  pools: readonly Slots[];
  /** Most entries one read takes; default: every free slot. */
  maxPerRead?: number;
  /** Reads up to `count` entries (at least 1), blocking a while when there are none. */
  read(count: number): Promise<StreamEntry[]>;
  /** Hands entries on (their slots are taken); the loop does not wait for it. */
  deliver(entries: StreamEntry[]): Promise<void>;
  /** Told of each failure with the delay before the next read. */
  onError(error: unknown, failures: number, delayMs: number): void;
  /** Backoff after a failure: `base · 2^failures` ms up to the max; default base 250 ms. */
  backoffBaseMs?: number;
  /** Longest backoff; default {@linkcode READ_LOOP_BACKOFF_MAX_MS}. */
  backoffMaxMs?: number;
}

/**
 * The read loop's longest backoff: 5 s. The failures it backs off from are outages (Postgres or
 * Redis away), and one wait is all the time a recovered store is left unused: with 30 s, a 15 s
 * Postgres outage was followed by a 16 s wait, and the worker picked up again 17 s after it ended.
 */
export const READ_LOOP_BACKOFF_MAX_MS = 5000;

/** The slots free in every pool: how many entries one read may take. */
export function freeSlots(pools: readonly Slots[]): number {
  return Math.min(...pools.map((p) => p.free()));
}

/** Reads and hands on entries until `signal` aborts; returns without waiting for deliveries. */
export async function runReadLoop(d: ReadLoopDeps, signal: AbortSignal): Promise<void> {
  const baseMs = d.backoffBaseMs ?? 250;
  const maxMs = d.backoffMaxMs ?? READ_LOOP_BACKOFF_MAX_MS;
  let failures = 0;
  let failed: { error: unknown } | undefined;
  const fail = async (error: unknown) => {
    failures++;
    const delayMs = exponentialDelay(failures + 1, baseMs, maxMs);
    d.onError(error, failures, delayMs);
    await sleep(delayMs, signal);
  };
  while (!signal.aborted) {
    const full = d.pools.filter((p) => p.free() === 0);
    if (full.length > 0) {
      await Promise.race(full.map((p) => p.whenFree(signal)));
      continue;
    }
    if (failed) {
      const { error } = failed;
      failed = undefined;
      await fail(error);
      continue;
    }
    let entries: StreamEntry[];
    try {
      entries = await d.read(Math.min(freeSlots(d.pools), d.maxPerRead ?? Infinity));
    } catch (error) {
      if (!signal.aborted) await fail(error);
      continue;
    }
    if (entries.length === 0) {
      failures = 0;
      continue;
    }
    for (const p of d.pools) p.take(entries.length);
    d.deliver(entries).then(() => failures = 0, (error) => failed = { error });
  }
}
