/** Exponential moving average. */
import { checkPeriod } from "./period.ts";

/**
 * EMA with α = 2 / (period + 1), seeded with the SMA of the first `period` values (so the first
 * value is at index period − 1); null before that.
 */
export function ema(values: readonly number[], period: number): (number | null)[] {
  checkPeriod("EMA", period);
  const out: (number | null)[] = new Array(values.length).fill(null);
  if (values.length < period) return out;
  const alpha = 2 / (period + 1);
  let seed = 0;
  for (let i = 0; i < period; i++) seed += values[i]!;
  let current = seed / period;
  out[period - 1] = current;
  for (let i = period; i < values.length; i++) {
    current = alpha * values[i]! + (1 - alpha) * current;
    out[i] = current;
  }
  return out;
}
