/** Polling with a deadline, for the bench's waits on processes, offsets and rows. */
import { pollUntil } from "../shared/poll_until.ts";

/**
 * Polls `probe` every `intervalMs` (default 50 ms) until it returns a value other than undefined;
 * throws naming `what` after `timeoutMs` or when `signal` aborts. Returns the value and when it
 * was seen.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  o: { timeoutMs: number; intervalMs?: number; signal: AbortSignal },
): Promise<{ value: T; atMs: number }> {
  let atMs = 0;
  const value = await pollUntil(what, async () => {
    const value = await probe();
    atMs = performance.now();
    return value;
  }, { timeoutMs: o.timeoutMs, intervalMs: o.intervalMs ?? 50, signal: o.signal });
  return { value, atMs };
}
