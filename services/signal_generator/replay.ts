/** Scans whole histories offline: the backtest behind `deno task signals replay`. */
import type { Bar, PriceColumn } from "../../shared/market/bar.ts";
import { type DetectedSignal, detectSignals } from "./detect_signals.ts";
import type { Scanner } from "./scanners/scanner.ts";

/** Options of {@linkcode replaySignals}. */
export interface ReplayOptions {
  scanners: readonly Scanner[];
  priceColumn: PriceColumn;
}

/** Every signal in `bars` (per ticker, oldest first), ordered by bar date, then ticker. */
export function replaySignals(
  bars: ReadonlyMap<string, readonly Bar[]>,
  { scanners, priceColumn }: ReplayOptions,
): DetectedSignal[] {
  const byTicker = [...bars.keys()].sort().map((ticker) =>
    detectSignals(bars.get(ticker)!, scanners, { priceColumn })
  );
  // A stable sort keeps each ticker's scanner order within a day.
  return byTicker.flat().sort((a, b) =>
    a.bar_date < b.bar_date ? -1 : a.bar_date > b.bar_date ? 1 : a.ticker < b.ticker ? -1 : 0
  );
}

/** One output line of a replay: the signal's fields, `bar_date` first. */
export function replayLine(signal: DetectedSignal): string {
  const { bar_date, ticker, signal: direction, scanner, confidence, price, signal_id } = signal;
  return JSON.stringify({
    bar_date,
    ticker,
    signal: direction,
    scanner,
    confidence,
    price,
    signal_id,
  });
}
