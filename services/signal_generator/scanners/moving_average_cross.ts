/** Golden Cross and Death Cross: SMA(fast) crossing SMA(slow), by default 50 over 200. */
import { crossings } from "../../../shared/indicators/crossings.ts";
import { sma } from "../../../shared/indicators/sma.ts";
import { confidenceScore, type ScanHit, type Scanner } from "./scanner.ts";

/** Periods of the two averages; defaults 50 and 200. */
export interface MovingAverageCrossOptions {
  fast?: number;
  slow?: number;
}

/**
 * Bars where the sign of SMA(fast) − SMA(slow) turns to `direction` (+1 golden, −1 death); the
 * first sign is the initial state, not a cross.
 *
 * Confidence = 50 + 3 × p, where p is how far the price is beyond SMA(slow), in percent, in the
 * signal's direction (a golden cross with the price 10 % above the 200-day average scores 80; one
 * with the price below it scores under 50), clamped to 0–100.
 */
function movingAverageCrossHits(
  prices: readonly number[],
  direction: 1 | -1,
  { fast = 50, slow = 200 }: MovingAverageCrossOptions,
): ScanHit[] {
  const fastLine = sma(prices, fast);
  const slowLine = sma(prices, slow);
  const gap = fastLine.map((f, i) => {
    const s = slowLine[i];
    return f == null || s == null ? null : f - s;
  });
  return crossings(gap).filter((c) => c.direction === direction).map(({ index }) => {
    const average = slowLine[index]!;
    const beyond = (direction * 100 * (prices[index]! - average)) / average;
    return {
      index,
      signal: direction === 1 ? "BULLISH" : "BEARISH",
      confidence: confidenceScore(50 + 3 * beyond),
    };
  });
}

/** Golden Cross: SMA(fast) rises above SMA(slow) → BULLISH. */
export function goldenCrossScanner(options: MovingAverageCrossOptions = {}): Scanner {
  return { name: "golden_cross", scan: (prices) => movingAverageCrossHits(prices, 1, options) };
}

/** Death Cross: SMA(fast) falls below SMA(slow) → BEARISH. */
export function deathCrossScanner(options: MovingAverageCrossOptions = {}): Scanner {
  return { name: "death_cross", scan: (prices) => movingAverageCrossHits(prices, -1, options) };
}
