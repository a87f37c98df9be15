/** Waiting for a condition by polling it, with a deadline: for tests, the bench and `stack up`. */
import { sleep } from "./sleep.ts";

/** Options of {@linkcode pollUntil}. */
export interface PollOptions {
  /** Give up after this long; default 20 000 ms. */
  timeoutMs?: number;
  /** Pause between probes; default 100 ms. */
  intervalMs?: number;
  /** Gives up early when aborted. */
  signal?: AbortSignal;
}

/**
 * Calls `probe` until it returns a value other than undefined, and returns that value. Throws
 * `Timed out after <timeoutMs> ms waiting for <what>` (or `Stopped waiting for <what>` when
 * `signal` aborts), with the last error the probe threw as its cause.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  options: PollOptions = {},
): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 100, signal } = options;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  while (!signal?.aborted) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() >= deadline) break;
    await sleep(intervalMs, signal);
  }
  const message = signal?.aborted
    ? `Stopped waiting for ${what}`
    : `Timed out after ${timeoutMs} ms waiting for ${what}`;
  throw new Error(message, { cause: lastError });
}
