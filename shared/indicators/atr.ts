/** Average True Range with Wilder smoothing. */
import { checkPeriod } from "./period.ts";

/** The bar fields ATR reads. */
export interface RangeBar {
  high: number;
  low: number;
  close: number;
}

/**
 * ATR(period) (default 14). True range = max(high − low, |high − previous close|,
 * |low − previous close|), and high − low for the first bar (it has no previous close). The first
 * ATR, at index period − 1, is the mean of the first `period` true ranges; each later one is
 * `(previous × (period − 1) + true range) / period` (Wilder).
 */
export function atr(bars: readonly RangeBar[], period = 14): (number | null)[] {
  checkPeriod("ATR", period);
  const out: (number | null)[] = new Array(bars.length).fill(null);
  let average = 0;
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    const previous = bars[i - 1];
    const range = previous
      ? Math.max(
        bar.high - bar.low,
        Math.abs(bar.high - previous.close),
        Math.abs(bar.low - previous.close),
      )
      : bar.high - bar.low;
    if (i < period) {
      average += range / period;
      if (i === period - 1) out[i] = average;
    } else {
      average = (average * (period - 1) + range) / period;
      out[i] = average;
    }
  }
  return out;
}
