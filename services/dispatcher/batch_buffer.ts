/**
 * Where consumed messages wait for their batch. Kafka hands messages over per partition; the
 * buffer merges every partition into one batch and flushes by the policy of `batcher.ts`, at
 * most `depth` flushes at a time (group commit; two by default, so the dispatcher plans the next
 * batch while the database works on the current one: batch_processor.ts keeps them in order).
 * When it holds BATCH_MAX_SIZE signals, `waitForRoom` blocks the consumer (no more fetching)
 * until a flush makes room, so an outage stops consumption instead of filling memory.
 */
import { type BatchPolicy, flushDelayMs, RateMeter } from "./batcher.ts";
import { type DecodedMessage, messageWeight } from "./decoded_message.ts";

/** Options of {@linkcode createBatchBuffer}. */
export interface BatchBufferOptions {
  policy: BatchPolicy;
  /**
   * Processes one batch (claim, enqueue, commit); retries inside until done or shutdown. Called
   * again while a batch is in flight (see `depth`), it must commit after the batch before, and
   * not at all if that one fails.
   */
  flush: (messages: DecodedMessage[]) => Promise<void>;
  /**
   * Called when a `flush` throws (it only should on shutdown). The buffer then stops for good: a
   * later batch must not commit offsets past the failed one.
   */
  onFlushError: (error: unknown) => void;
  /** Flushes in flight at once; default 2. */
  depth?: number;
  /** Clock (epoch ms); default Date.now. */
  now?: () => number;
}

/** The buffer between the consumer and the batch processor. */
export interface BatchBuffer {
  /** Adds one partition's messages (in offset order). */
  add(messages: readonly DecodedMessage[]): void;
  /** Resolves when fewer than BATCH_MAX_SIZE signals are buffered; `tick` runs every second. */
  waitForRoom(tick: () => Promise<void>, signal: AbortSignal): Promise<void>;
  /** Flushes what is buffered, and waits for every flush in flight. */
  drain(): Promise<void>;
  /** Signals buffered. */
  readonly buffered: number;
}

/** Creates an empty buffer. */
export function createBatchBuffer(options: BatchBufferOptions): BatchBuffer {
  const { policy } = options;
  const depth = options.depth ?? 2;
  const now = options.now ?? Date.now;
  const rate = new RateMeter();
  const queue: { message: DecodedMessage; weight: number; atMs: number }[] = [];
  let buffered = 0;
  const flushing = new Set<Promise<void>>();
  let lastFlushAtMs = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let roomWaiters: (() => void)[] = [];
  let stopped = false;

  const take = (): DecodedMessage[] => {
    let n = 0;
    let weight = 0;
    while (n < queue.length && (n === 0 || weight + queue[n]!.weight <= policy.maxSize)) {
      weight += queue[n]!.weight;
      n++;
    }
    buffered -= weight;
    // One splice, not a shift per message (each shift of a long queue moves the rest of it).
    return queue.splice(0, n).map((item) => item.message);
  };

  const flushNow = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = take();
    lastFlushAtMs = now();
    const flight: Promise<void> = options.flush(batch).catch((error) => {
      stopped = true;
      queue.length = 0;
      buffered = 0;
      options.onFlushError(error);
    }).finally(() => {
      flushing.delete(flight);
      if (buffered < policy.maxSize) {
        const waiters = roomWaiters;
        roomWaiters = [];
        waiters.forEach((wake) => wake());
      }
      evaluate();
    });
    flushing.add(flight);
  };

  const evaluate = () => {
    if (stopped || flushing.size >= depth || queue.length === 0) return;
    const t = now();
    const delay = flushDelayMs({
      buffered,
      oldestAtMs: queue[0]!.atMs,
      nowMs: t,
      ratePerSecond: rate.perSecond(t),
      lastFlushAtMs,
    }, policy);
    clearTimeout(timer);
    timer = undefined;
    if (delay === 0) flushNow();
    else if (Number.isFinite(delay)) timer = setTimeout(evaluate, delay);
  };

  return {
    add(messages) {
      if (stopped) return;
      const atMs = now();
      let weight = 0;
      for (const message of messages) {
        const w = messageWeight(message);
        queue.push({ message, weight: w, atMs });
        weight += w;
      }
      buffered += weight;
      rate.observe(weight, atMs);
      evaluate();
    },
    async waitForRoom(tick, signal) {
      while (buffered >= policy.maxSize && !signal.aborted) {
        const woken = new Promise<void>((resolve) => roomWaiters.push(resolve));
        let timeout: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([woken, new Promise((r) => timeout = setTimeout(r, 1000))]);
        clearTimeout(timeout);
        if (buffered >= policy.maxSize) await tick();
      }
    },
    async drain() {
      while (flushing.size > 0 || (queue.length > 0 && !stopped)) {
        if (flushing.size < depth && queue.length > 0 && !stopped) flushNow();
        else await Promise.race(flushing);
      }
    },
    get buffered() {
      return buffered;
    },
  };
}
