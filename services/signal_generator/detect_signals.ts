/** Turns scanner hits on one ticker's bars into signals of the message contract. */
import type { Bar, PriceColumn } from "../../shared/market/bar.ts";
import { pricesOf } from "../../shared/market/bar.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import type { Scanner } from "./scanners/scanner.ts";

/** Fields a scanner does not set: the emission time, and the scope of private signals. */
type NotDetected = "emitted_at" | "owner_id" | "source" | "signature" | "metadata";

/** A signal as the scanners produce it: every public contract field but `emitted_at`. */
export type DetectedSignal = {
  [K in Exclude<keyof TickerSignal, NotDetected>]-?: NonNullable<TickerSignal[K]>;
};

/** Options of {@linkcode detectSignals}. */
export interface DetectOptions {
  priceColumn: PriceColumn;
  /** Only hits on bars at or after this index; default 0 (the whole history). */
  fromIndex?: number;
}

/** The deterministic id of a signal, e.g. `golden_cross:AAPL:2024-03-01`; a replay repeats it. */
export function signalId(scanner: string, ticker: string, barDate: string): string {
  return `${scanner}:${ticker}:${barDate}`;
}

/**
 * Runs `scanners` over one ticker's bars (oldest first) and returns their signals from
 * `fromIndex` on, ordered by bar and then by scanner order.
 */
export function detectSignals(
  bars: readonly Bar[],
  scanners: readonly Scanner[],
  { priceColumn, fromIndex = 0 }: DetectOptions,
): DetectedSignal[] {
  const prices = pricesOf(bars, priceColumn);
  const found: { index: number; order: number; signal: DetectedSignal }[] = [];
  scanners.forEach((scanner, order) => {
    for (const hit of scanner.scan(prices, bars, fromIndex)) {
      if (hit.index < fromIndex) continue;
      const bar = bars[hit.index]!;
      found.push({
        index: hit.index,
        order,
        signal: {
          ticker: bar.ticker,
          signal: hit.signal,
          confidence: hit.confidence,
          signal_id: signalId(scanner.name, bar.ticker, bar.date),
          scanner: scanner.name,
          bar_date: bar.date,
          price: prices[hit.index]!,
        },
      });
    }
  });
  return found.sort((a, b) => a.index - b.index || a.order - b.order).map((f) => f.signal);
}
