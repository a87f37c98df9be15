/**
 * Group commit: callers submit one item each; items that arrive while a flush is in flight wait and
 * go together in the next flush, so the number of round trips follows the round-trip time, not
 * the item rate, and a lone item is never held back. Items submitted in the same tick (a loop over
 * a batch) start out together: a flush begins in a microtask, not inside the first `submit`.
 */

/** Options of {@linkcode createGroupCommit}. */
export interface GroupCommitOptions {
  /** Most items in one flush; default 1000. */
  maxBatch?: number;
  /** Flushes in flight at once; default 1. A second one lets a statement start while the first is on the server. */
  maxInFlight?: number;
}

/** Submits items to a batching flush. */
export interface GroupCommit<I, O> {
  /** Resolves with this item's result, or rejects with the error of its flush. */
  submit(item: I): Promise<O>;
}

/**
 * Creates a group commit around `flush`, which must return one result per item, in order.
 */
export function createGroupCommit<I, O>(
  flush: (items: I[]) => Promise<O[]>,
  options: GroupCommitOptions = {},
): GroupCommit<I, O> {
  const maxBatch = options.maxBatch ?? 1000;
  const maxInFlight = options.maxInFlight ?? 1;
  type Waiting = { item: I; resolve(o: O): void; reject(e: unknown): void };
  let waiting: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function flushBatch(batch: Waiting[]): Promise<void> {
    try {
      const results = await flush(batch.map((w) => w.item));
      if (results.length !== batch.length) {
        throw new Error(`Flush returned ${results.length} results for ${batch.length} items`);
      }
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }

  function pump(): void {
    scheduled = false;
    while (inFlight < maxInFlight && waiting.length > 0) {
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
        waiting.push({ item, resolve, reject });
        if (!scheduled && inFlight < maxInFlight) {
          scheduled = true;
          queueMicrotask(pump);
        }
      });
    },
  };
}
