/** RSI leaving oversold (crossing up through 30) or overbought (crossing down through 70). */
import { crossings } from "../../../shared/indicators/crossings.ts";
import { rsi } from "../../../shared/indicators/rsi.ts";
import { confidenceScore, type ScanHit, type Scanner } from "./scanner.ts";

/** RSI period and thresholds; defaults 14, 30 and 70. */
export interface RsiCrossOptions {
  period?: number;
  oversold?: number;
  overbought?: number;
}

/**
 * RSI(period) with Wilder smoothing. BULLISH on the bar it crosses up through `oversold` (the
 * sell-off is exhausting), BEARISH on the bar it crosses down through `overbought`. Where the RSI
 * starts is the initial state, not a cross.
 *
 * Confidence = 50 + 2 × depth, where depth is how far beyond the threshold the RSI went during
 * the excursion just ended (an RSI that bottomed at 20 scores 70, at 5 or lower 100).
 */
export function rsiScanner(
  { period = 14, oversold = 30, overbought = 70 }: RsiCrossOptions = {},
): Scanner {
  return {
    name: "rsi",
    scan(prices) {
      const values = rsi(prices, period);
      const hits: ScanHit[] = [];
      const shifted = (level: number) => values.map((v) => (v == null ? null : v - level));
      for (const { index, direction } of crossings(shifted(oversold))) {
        if (direction !== 1) continue;
        const depth = oversold - extreme(values, index, (v) => v < oversold, Math.min);
        hits.push({ index, signal: "BULLISH", confidence: confidenceScore(50 + 2 * depth) });
      }
      for (const { index, direction } of crossings(shifted(overbought))) {
        if (direction !== -1) continue;
        const depth = extreme(values, index, (v) => v > overbought, Math.max) - overbought;
        hits.push({ index, signal: "BEARISH", confidence: confidenceScore(50 + 2 * depth) });
      }
      return hits.sort((a, b) => a.index - b.index);
    },
  };
}

/** The most extreme value of the run of bars just before `index` for which `inside` holds. */
function extreme(
  values: readonly (number | null)[],
  index: number,
  inside: (value: number) => boolean,
  pick: (a: number, b: number) => number,
): number {
  let result = values[index - 1]!;
  for (let i = index - 1; i >= 0; i--) {
    const value = values[i];
    if (value == null || !inside(value)) break;
    result = pick(result, value);
  }
  return result;
}
