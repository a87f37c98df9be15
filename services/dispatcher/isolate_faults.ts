/**
 * Finding the items that make a batch fail: split it in halves, run each, and split again the
 * halves that fail with an input fault, until each failing item is alone. With k bad items among
 * n it costs about 2·k·log2(n) extra runs, paid only when a batch fails; a batch with no bad item
 * costs one run. A failure that is not the input's (an outage) stops the search and is thrown, so
 * the caller retries the whole batch instead of blaming an item for it.
 */

/** Options of {@linkcode isolateFaults}. */
export interface IsolateOptions<I, R> {
  /** Runs a subset and resolves its results; rejects when it fails. */
  run: (items: readonly I[]) => Promise<R[]>;
  /** Whether an error is caused by the items run (see input_fault.ts). */
  isInputFault: (error: unknown) => boolean;
}

/** What {@linkcode isolateFaults} found: the results of every subset that ran, the lone failures. */
export interface Isolated<I, R> {
  results: R[];
  faults: { item: I; error: unknown }[];
}

/** Runs `items`, splitting on input faults until each failing item is alone. */
export async function isolateFaults<I, R>(
  items: readonly I[],
  options: IsolateOptions<I, R>,
): Promise<Isolated<I, R>> {
  try {
    return { results: await options.run(items), faults: [] };
  } catch (error) {
    if (!options.isInputFault(error)) throw error;
    if (items.length === 1) return { results: [], faults: [{ item: items[0]!, error }] };
    const middle = Math.ceil(items.length / 2);
    const left = await isolateFaults(items.slice(0, middle), options);
    const right = await isolateFaults(items.slice(middle), options);
    return {
      results: [...left.results, ...right.results],
      faults: [...left.faults, ...right.faults],
    };
  }
}
