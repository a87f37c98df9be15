/** Relative Strength Index with Wilder smoothing. */
import { checkPeriod } from "./period.ts";

/**
 * RSI(period) (default 14). The first average gain and loss are the plain means of the first
 * `period` changes, so the first value is at index `period`; each later average is
 * `(previous × (period − 1) + current) / period` (Wilder). RSI = 100 − 100 / (1 + gain / loss);
 * 100 when the average loss is 0, and 50 when both averages are 0 (a flat series).
 */
export function rsi(values: readonly number[], period = 14): (number | null)[] {
  checkPeriod("RSI", period);
  const out: (number | null)[] = new Array(values.length).fill(null);
  if (values.length <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const change = values[i]! - values[i - 1]!;
    if (change > 0) gain += change;
    else loss -= change;
  }
  gain /= period;
  loss /= period;
  out[period] = fromAverages(gain, loss);
  for (let i = period + 1; i < values.length; i++) {
    const change = values[i]! - values[i - 1]!;
    gain = (gain * (period - 1) + Math.max(change, 0)) / period;
    loss = (loss * (period - 1) + Math.max(-change, 0)) / period;
    out[i] = fromAverages(gain, loss);
  }
  return out;
}

function fromAverages(gain: number, loss: number): number {
  if (loss === 0) return gain === 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}
