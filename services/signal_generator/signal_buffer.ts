/** The bounded queue that holds signals while Kafka is unreachable. */

/**
 * A FIFO of at most `max` items. When full, the oldest items are dropped (and counted by the
 * caller from the return values), so a long outage keeps the newest signals, which matter most.
 */
export class SignalBuffer<T> {
  #items: T[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`Cannot create a signal buffer: max "${max}" must be at least 1`);
    }
  }

  /** Items held. */
  get size(): number {
    return this.#items.length;
  }

  /** Appends `items` (newest last); returns how many of the oldest were dropped to make room. */
  push(items: readonly T[]): number {
    this.#items.push(...items);
    return this.#trim();
  }

  /** Removes and returns up to `count` of the oldest items. */
  take(count: number): T[] {
    return this.#items.splice(0, count);
  }

  /**
   * Puts a batch that failed to send back in front (it is older than everything queued since);
   * returns how many of the oldest were dropped because the buffer filled meanwhile.
   */
  requeue(items: readonly T[]): number {
    this.#items.unshift(...items);
    return this.#trim();
  }

  #trim(): number {
    const excess = this.#items.length - this.max;
    if (excess <= 0) return 0;
    this.#items.splice(0, excess);
    return excess;
  }
}
