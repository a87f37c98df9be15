/**
 * Group commit: callers submit one item each; items that arrive while a flush is in flight wait and
 * go together in the next flush, so the number of round trips follows the round-trip time, not
 * the item rate, and a lone item is never held back.
 */

/** Options of {@linkcode createGroupCommit}. */
export interface GroupCommitOptions {
  /** Most items in one flush; default 1000. */
  maxBatch?: number;
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
  let waiting: { item: I; resolve(o: O): void; reject(e: unknown): void }[] = [];
  let flushing = false;

  async function drain(): Promise<void> {
    flushing = true;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
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
    flushing = false;
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        if (!flushing) void drain();
      });
    },
  };
}
