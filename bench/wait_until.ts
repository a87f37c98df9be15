/** Polling with a deadline, for the bench's waits on processes, offsets and rows. */
import { sleep } from "../shared/sleep.ts";

/**
 * Polls `probe` every `intervalMs` until it returns a value other than undefined; throws naming
 * `what` after `timeoutMs` or when `signal` aborts. Returns the value and when it was seen.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  o: { timeoutMs: number; intervalMs?: number; signal: AbortSignal },
): Promise<{ value: T; atMs: number }> {
  const deadline = performance.now() + o.timeoutMs;
  let lastError: unknown;
  while (performance.now() < deadline && !o.signal.aborted) {
    try {
      const value = await probe();
      if (value !== undefined) return { value, atMs: performance.now() };
    } catch (error) {
      lastError = error;
    }
    await sleep(o.intervalMs ?? 50, o.signal);
  }
  const why = o.signal.aborted ? "the bench was interrupted" : `${o.timeoutMs} ms passed`;
  throw new Error(`Gave up waiting for ${what}: ${why}`, { cause: lastError });
}
