/** How long a failed attempt waits before the next one. */

/**
 * Exponential backoff with equal jitter: half of `base · 2^(attempt-1)` plus a random half,
 * the whole capped at `max` seconds. `random` defaults to Math.random.
 */
export function retryDelaySeconds(
  attempt: number,
  base: number,
  max: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return exponential / 2 + random() * (exponential / 2);
}
