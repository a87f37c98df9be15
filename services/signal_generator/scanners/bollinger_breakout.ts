/** The price closing outside its Bollinger band. */
import { bollinger } from "../../../shared/indicators/bollinger.ts";
import { crossings } from "../../../shared/indicators/crossings.ts";
import { confidenceScore, type ScanHit, type Scanner } from "./scanner.ts";

/** Band period and width; defaults 20 and 2 (population standard deviations). */
export interface BollingerBreakoutOptions {
  period?: number;
  k?: number;
}

/**
 * Mean reversion: BULLISH on the bar the close moves below the lower band, BEARISH on the bar it
 * moves above the upper band. Only the bar that leaves the band fires (not every bar outside), so
 * one excursion is one signal; a close already outside when the bands start is the initial state.
 *
 * Confidence = 50 + 100 × e / w, where e is how far the close is beyond the band and w the band
 * width (upper − lower): a close a quarter of the width below the lower band scores 75.
 */
export function bollingerScanner({ period = 20, k = 2 }: BollingerBreakoutOptions = {}): Scanner {
  return {
    name: "bollinger",
    scan(prices) {
      const { upper, lower } = bollinger(prices, period, k);
      const distance = (band: (number | null)[]) =>
        band.map((b, i) => (b == null ? null : prices[i]! - b));
      const score = (index: number, excess: number) => {
        const width = upper[index]! - lower[index]!;
        return confidenceScore(50 + (100 * excess) / width);
      };
      const hits: ScanHit[] = [];
      for (const { index, direction } of crossings(distance(lower))) {
        if (direction !== -1) continue;
        hits.push({
          index,
          signal: "BULLISH",
          confidence: score(index, lower[index]! - prices[index]!),
        });
      }
      for (const { index, direction } of crossings(distance(upper))) {
        if (direction !== 1) continue;
        hits.push({
          index,
          signal: "BEARISH",
          confidence: score(index, prices[index]! - upper[index]!),
        });
      }
      return hits.sort((a, b) => a.index - b.index);
    },
  };
}
