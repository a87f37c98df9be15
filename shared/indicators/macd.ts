/** Moving Average Convergence Divergence. */
import { ema } from "./ema.ts";
import { checkPeriod } from "./period.ts";

/** The three MACD series, aligned with the input. */
export interface MacdSeries {
  /** EMA(fast) − EMA(slow); first value at index slow − 1. */
  macd: (number | null)[];
  /** EMA(signal) of the MACD line; first value at index slow + signal − 2. */
  signal: (number | null)[];
  /** MACD − signal. */
  histogram: (number | null)[];
}

/** MACD(fast, slow, signal), defaults 12, 26, 9; EMAs as in {@linkcode ema} (SMA-seeded). */
export function macd(
  values: readonly number[],
  fast = 12,
  slow = 26,
  signal = 9,
): MacdSeries {
  checkPeriod("MACD", fast, "fast");
  checkPeriod("MACD", slow, "slow");
  checkPeriod("MACD", signal, "signal");
  if (fast >= slow) {
    throw new RangeError(`Cannot compute MACD: fast "${fast}" must be less than slow "${slow}"`);
  }
  const fastLine = ema(values, fast);
  const slowLine = ema(values, slow);
  const line = values.map((_, i) => {
    const f = fastLine[i];
    const s = slowLine[i];
    return f == null || s == null ? null : f - s;
  });
  // The signal line is the EMA of the MACD line from its first value on.
  const start = Math.min(slow - 1, values.length);
  const signalLine = [
    ...new Array<null>(start).fill(null),
    ...ema(line.slice(start) as number[], signal),
  ];
  const histogram = line.map((m, i) => {
    const s = signalLine[i];
    return m == null || s == null ? null : m - s;
  });
  return { macd: line, signal: signalLine, histogram };
}
