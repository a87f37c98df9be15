/** Capped exponential backoff with jitter, and retrying an operation against a service that may be down. */
import { sleep } from "./sleep.ts";

/**
 * The wait after failed attempt `attempt` (1-based) without jitter, in the unit of `base` and
 * `max`: `min(max, base · 2^(attempt-1))`, e.g. 1 s, 2 s, 4 s … for a base of 1 s.
 */
export function exponentialDelay(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}

/**
 * The wait after failed attempt `attempt` (1-based), in the unit of `base` and `max`: equal
 * jitter, i.e. half of {@linkcode exponentialDelay} plus a random share of the other half.
 * `random` defaults to Math.random.
 */
export function backoffDelay(
  attempt: number,
  base: number,
  max: number,
  random: () => number = Math.random,
): number {
  const exponential = exponentialDelay(attempt, base, max);
  return exponential / 2 + random() * (exponential / 2);
}

/** Options of {@linkcode retryWithBackoff}. */
export interface RetryOptions {
  /** Stops retrying (the last error is thrown) when aborted. */
  signal: AbortSignal;
  /** First delay; default 200 ms. */
  baseMs?: number;
  /** Longest delay; default 10 000 ms. */
  maxMs?: number;
  /** Called after each failure with the delay before the next attempt. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Runs `operation` until it succeeds or `signal` aborts. */
export async function retryWithBackoff<T>(
  operation: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { signal, baseMs = 200, maxMs = 10_000 } = options;
  for (let attempt = 1;; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (signal.aborted) throw error;
      const delayMs = Math.round(backoffDelay(attempt, baseMs, maxMs));
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, signal);
      if (signal.aborted) throw error;
    }
  }
}
