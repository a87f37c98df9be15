/**
 * The batching policy, pure. The seed flushes at BATCH_SIZE signals or BATCH_TIMEOUT_SECONDS,
 * whichever comes first; that holds a lone signal for the whole timeout at low rate and caps a
 * burst at BATCH_SIZE rows per statement under load. Ours keeps both bounds and adds two rules:
 *
 * - **Don't wait for company that won't come.** The arrival rate (signals/s, decayed over about a
 *   second) predicts when BATCH_SIZE would be reached; if not before the timeout, flush now. A
 *   lone signal at low rate goes out at once; at moderate rate the dispatcher waits just long
 *   enough to fill BATCH_SIZE (e.g. 40 ms at 500/s: 25 statements/s instead of 500).
 * - **Group commit.** Two flushes run at a time at most (batch_buffer.ts: the next batch is
 *   planned while the current one's claim is on the server); whatever arrives meanwhile is the
 *   next batch, up to BATCH_MAX_SIZE. Under load a batch is everything that arrived during the
 *   previous claim, so statements/s stays near 1 / (claim round trip) whatever the rate (10 000/s
 *   at 20 ms per claim: 50 statements of ~200 signals, not 500 of 20).
 * - **Pacing (the default).** Claims start at most BATCH_MAX_FLUSHES_PER_SECOND times a second
 *   (default 30, so ≤ 30 statements/s at any signal rate); a signal waits only for the next claim
 *   slot (≤ 33 ms), never for company, and the timeout still bounds the wait. Batches grow with
 *   the rate: ~330 signals per claim at 10 000/s. BATCH_SIZE applies only with pacing off (0),
 *   where the two rules above (and the seed's) decide alone.
 */

/** Options of {@linkcode flushDelayMs}. */
export interface BatchPolicy {
  /** Flush once this many signals are buffered (BATCH_SIZE, default 20). */
  size: number;
  /** Never put more signals in one claim (BATCH_MAX_SIZE, default 5000). */
  maxSize: number;
  /** Longest a buffered signal waits for company (BATCH_TIMEOUT_SECONDS, default 500 ms). */
  timeoutMs: number;
  /** Least time between two flushes under load (1000 / BATCH_MAX_FLUSHES_PER_SECOND); 0: off. */
  minIntervalMs: number;
}

/** What the buffer knows when it decides. */
export interface BufferState {
  /** Signals buffered (a bad message counts as one). */
  buffered: number;
  /** When the oldest buffered signal arrived (epoch ms). */
  oldestAtMs: number;
  nowMs: number;
  /** Recent arrival rate, signals per second. */
  ratePerSecond: number;
  /** When the last flush started (epoch ms); -Infinity before the first. */
  lastFlushAtMs: number;
}

/**
 * How long to wait before flushing: 0 means now, Infinity means nothing to flush. Re-evaluated
 * on every arrival, so a wait is never longer than the bounds above.
 */
export function flushDelayMs(state: BufferState, policy: BatchPolicy): number {
  if (state.buffered <= 0) return Infinity;
  if (state.buffered >= policy.maxSize) return 0;
  const remainingMs = policy.timeoutMs - (state.nowMs - state.oldestAtMs);
  if (remainingMs <= 0) return 0;
  if (policy.minIntervalMs > 0) {
    const nextSlotMs = Math.ceil(state.lastFlushAtMs + policy.minIntervalMs - state.nowMs);
    return Math.max(0, Math.min(remainingMs, nextSlotMs));
  }
  if (state.buffered >= policy.size || state.ratePerSecond <= 0) return 0;
  const fillMs = ((policy.size - state.buffered) / state.ratePerSecond) * 1000;
  return fillMs > remainingMs ? 0 : Math.ceil(fillMs);
}

/** An arrival rate: counts decayed exponentially with time constant `tauMs` (default 1000). */
export class RateMeter {
  #sum = 0;
  #lastMs: number | undefined;
  constructor(readonly tauMs = 1000) {}

  /** Records `count` arrivals at `nowMs`. */
  observe(count: number, nowMs: number): void {
    this.#sum = this.#decayed(nowMs) + count;
    this.#lastMs = nowMs;
  }

  /** Arrivals per second as of `nowMs`. */
  perSecond(nowMs: number): number {
    return (this.#decayed(nowMs) * 1000) / this.tauMs;
  }

  #decayed(nowMs: number): number {
    if (this.#lastMs === undefined) return 0;
    return this.#sum * Math.exp(-Math.max(0, nowMs - this.#lastMs) / this.tauMs);
  }
}
