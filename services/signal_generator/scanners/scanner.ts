/** What a scanner is: a pure function from a price series to the bars where it fires. */
import type { Bar } from "../../../shared/market/bar.ts";
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

/**
 * A named scan over one ticker's prices (oldest first), returning every bar where it fires. The
 * built-ins read the prices; an expression scanner reads the bars (volume, high, low too).
 */
export interface Scanner {
  /** A built-in's {@linkcode ScannerName}, or an expression scanner's own name. */
  name: string;
  /**
   * `bars` are the ones `prices` came from; only an expression scanner needs them. Hits before
   * `fromIndex` (default 0) may be left out: an expression scanner then evaluates only the bars
   * from there (the live generator asks for the last one).
   */
  scan(prices: readonly number[], bars?: readonly Bar[], fromIndex?: number): ScanHit[];
}

/** A raw score rounded to a whole number and clamped to 0–100. */
export function confidenceScore(score: number): number {
  return Math.min(100, Math.max(0, Math.round(score)));
}
