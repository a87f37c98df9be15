/** Bollinger Bands. */
import { checkPeriod } from "./period.ts";
import { sma } from "./sma.ts";

/** The three bands, aligned with the input; null until `period` values exist. */
export interface BollingerBands {
  middle: (number | null)[];
  upper: (number | null)[];
  lower: (number | null)[];
}

/**
 * Bollinger(period, k), defaults 20 and 2: middle = SMA(period), upper/lower = middle ± k × σ,
 * where σ is the population standard deviation (divide by `period`, not period − 1) of the same
 * window, as in Bollinger's own definition and most charting tools.
 */
export function bollinger(values: readonly number[], period = 20, k = 2): BollingerBands {
  checkPeriod("Bollinger bands", period);
  const middle = sma(values, period);
  const upper: (number | null)[] = new Array(values.length).fill(null);
  const lower: (number | null)[] = new Array(values.length).fill(null);
  for (let i = period - 1; i < values.length; i++) {
    const mean = middle[i]!;
    let squares = 0;
    for (let j = i - period + 1; j <= i; j++) squares += (values[j]! - mean) ** 2;
    const sd = Math.sqrt(squares / period);
    upper[i] = mean + k * sd;
    lower[i] = mean - k * sd;
  }
  return { middle, upper, lower };
}
