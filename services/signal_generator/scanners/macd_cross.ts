/** MACD line crossing its signal line. */
import { crossings } from "../../../shared/indicators/crossings.ts";
import { macd } from "../../../shared/indicators/macd.ts";
import { confidenceScore, type Scanner } from "./scanner.ts";

/** MACD periods; defaults 12, 26 and 9. */
export interface MacdCrossOptions {
  fast?: number;
  slow?: number;
  signal?: number;
}

/**
 * BULLISH on the bar the MACD line rises above its signal line (the histogram turns positive),
 * BEARISH when it falls below; the histogram's first sign is the initial state, not a cross.
 *
 * Confidence = 50 + 10 × m, where m is the MACD line as a percentage of the price, taken in the
 * signal's direction: a bullish cross with the MACD at +2 % of the price (above the zero line,
 * momentum confirming) scores 70; one at −2 % scores 30.
 */
export function macdScanner({ fast = 12, slow = 26, signal = 9 }: MacdCrossOptions = {}): Scanner {
  return {
    name: "macd",
    scan(prices) {
      const series = macd(prices, fast, slow, signal);
      return crossings(series.histogram).map(({ index, direction }) => {
        const momentum = (direction * 100 * series.macd[index]!) / prices[index]!;
        return {
          index,
          signal: direction === 1 ? "BULLISH" : "BEARISH",
          confidence: confidenceScore(50 + 10 * momentum),
        };
      });
    },
  };
}
