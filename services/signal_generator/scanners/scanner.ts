/** What a scanner is: a pure function from a price series to the bars where it fires. */
import type { SCANNER_NAMES, SignalType } from "../../../shared/schemas/signal.ts";

/** A scanner's name, as carried in the signal's `scanner` field. */
export type ScannerName = (typeof SCANNER_NAMES)[number];

/** A scanner firing at bar `index` of the series it was given. */
export interface ScanHit {
  index: number;
  signal: SignalType;
  /** 0–100, from the scanner's documented formula. */
  confidence: number;
}

/** A named scan over one ticker's prices (oldest first), returning every bar where it fires. */
export interface Scanner {
  name: ScannerName;
  scan(prices: readonly number[]): ScanHit[];
}

/** A raw score rounded to a whole number and clamped to 0–100. */
export function confidenceScore(score: number): number {
  return Math.min(100, Math.max(0, Math.round(score)));
}
