/**
 * Group commit: callers submit one item each; items that arrive while a flush is in flight wait and
 * go together in the next flush, so the number of round trips follows the round-trip time, not
 * the item rate, and a lone item is never held back. Items submitted in the same tick (a loop over
 * a batch) start out together: a flush begins in a microtask, not inside the first `submit`.
 */

/** Options of {@linkcode createGroupCommit}. */
export interface GroupCommitOptions<I = unknown> {
  /** Most items in one flush; default 1000. */
  maxBatch?: number;
  /** Flushes in flight at once; default 1. A second one lets a statement start while the first is on the server. */
  maxInFlight?: number;
  /**
   * How long an item may wait for company before it is flushed alone; default 0 for every item.
   * A held item goes out with the next flush that another item starts, or when its time is up.
   */
  holdMs?: (item: I) => number;
}

/** Submits items to a batching flush. */
export interface GroupCommit<I, O> {
  /** Resolves with this item's result, or rejects with the error of its flush. */
  submit(item: I): Promise<O>;
}

/** Items taken out of a group commit to go with another round trip; settle them once it is back. */
export interface TakenItems<I, O> {
  items: I[];
  resolve(results: O[]): void;
  reject(error: unknown): void;
}

/** A group commit whose waiting items another round trip may carry instead. */
export interface SharedGroupCommit<I, O> extends GroupCommit<I, O> {
  /** Takes every item waiting now (none in flight); the caller must settle them. */
  takeWaiting(): TakenItems<I, O>;
}

/**
 * Creates a group commit around `flush`, which must return one result per item, in order.
 */
export function createGroupCommit<I, O>(
  flush: (items: I[]) => Promise<O[]>,
  options: GroupCommitOptions<I> = {},
): SharedGroupCommit<I, O> {
  const maxBatch = options.maxBatch ?? 1000;
  const maxInFlight = options.maxInFlight ?? 1;
  const holdMs = options.holdMs ?? (() => 0);
  /** `due`: when a held item goes out alone (performance.now() ms); 0 when not held. */
  type Waiting = { item: I; due: number; resolve(o: O): void; reject(e: unknown): void };
  let waiting: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;
  let holdTimer: ReturnType<typeof setTimeout> | undefined;

  function settle(batch: Waiting[], results: O[]): void {
    if (results.length !== batch.length) {
      throw new Error(`Flush returned ${results.length} results for ${batch.length} items`);
    }
    batch.forEach((w, i) => w.resolve(results[i]!));
  }

  async function flushBatch(batch: Waiting[]): Promise<void> {
    try {
      settle(batch, await flush(batch.map((w) => w.item)));
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }

  function pump(): void {
    scheduled = false;
    clearTimeout(holdTimer);
    holdTimer = undefined;
    while (inFlight < maxInFlight && waiting.length > 0) {
      const now = performance.now();
      if (waiting.every((w) => w.due > now)) {
        holdTimer = setTimeout(pump, Math.min(...waiting.map((w) => w.due)) - now);
        return;
      }
      const batch = waiting.length <= maxBatch ? waiting : waiting.slice(0, maxBatch);
      waiting = waiting.length <= maxBatch ? [] : waiting.slice(maxBatch);
      inFlight++;
      void flushBatch(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        const hold = holdMs(item);
        waiting.push({ item, due: hold > 0 ? performance.now() + hold : 0, resolve, reject });
        if (scheduled || inFlight >= maxInFlight) return;
        if (hold <= 0) {
          scheduled = true;
          queueMicrotask(pump);
        } else holdTimer ??= setTimeout(pump, hold);
      });
    },
    takeWaiting() {
      const batch = waiting;
      waiting = [];
      clearTimeout(holdTimer);
      holdTimer = undefined;
      return {
        items: batch.map((w) => w.item),
        resolve(results) {
          try {
            settle(batch, results);
          } catch (error) {
            for (const w of batch) w.reject(error);
          }
        },
        reject(error) {
          for (const w of batch) w.reject(error);
        },
      };
    },
  };
}
