/**
 * A counted capacity the worker's stages share: the read loop takes slots for the entries it
 * reads, before their start statement returns, and each stage gives them back when it is done
 * with its entry. Counting from the read, not from the start, is what keeps a worker from taking
 * more entries than it can run while starts are still in flight.
 */

/** Capacity held by entries in flight. */
export interface Slots {
  /** The capacity; fixed. */
  readonly capacity: number;
  /** Slots held now. */
  held(): number;
  /** Slots not held: the most entries that may be taken now. */
  free(): number;
  /** Holds `n` slots; throws a RangeError when fewer are free (a caller bug, never a race). */
  take(n: number): void;
  /** Gives `n` slots back (default 1) and wakes whoever waits for one. */
  release(n?: number): void;
  /** Resolves once a slot is free (at once when one is) or when `signal` aborts. */
  whenFree(signal: AbortSignal): Promise<void>;
}

/** Creates `capacity` slots, none held. */
export function createSlots(capacity: number): Slots {
  let held = 0;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const woken = waiters;
    waiters = [];
    for (const w of woken) w();
  };
  return {
    capacity,
    held: () => held,
    free: () => Math.max(0, capacity - held),
    take(n) {
      if (n > capacity - held) {
        throw new RangeError(`Cannot take ${n} slots: ${capacity - held} of ${capacity} are free`);
      }
      held += n;
    },
    release(n = 1) {
      if (n > held) throw new RangeError(`Cannot release ${n} slots: ${held} are held`);
      held -= n;
      if (n > 0) wake();
    },
    whenFree(signal) {
      if (held < capacity || signal.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          resolve();
        };
        waiters.push(done);
        signal.addEventListener("abort", done, { once: true });
      });
    },
  };
}
