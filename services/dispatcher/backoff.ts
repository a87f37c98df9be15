/** Retries an operation against a service that may be down, with capped exponential backoff. */

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

/** The delay after failed attempt `attempt` (1-based): base·2^(attempt-1), capped, ±20 % jitter. */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random = 0.5) {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.min(30, attempt - 1));
  return Math.round(Math.min(maxMs, raw * (0.8 + 0.4 * random)));
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
      const delayMs = backoffDelayMs(attempt, baseMs, maxMs, Math.random());
      options.onRetry?.(error, attempt, delayMs);
      await abortableDelay(delayMs, signal);
      if (signal.aborted) throw error;
    }
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
