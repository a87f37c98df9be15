/** Daily OHLCV bars, the unit every market data source produces and every scanner reads. */

/** One trading day of one ticker. Prices are positive and finite; `date` is YYYY-MM-DD. */
export interface Bar {
  ticker: string;
  /** Trading day, YYYY-MM-DD. */
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Close adjusted for splits and dividends (equal to `close` where a source has none). */
  adj_close: number;
  volume: number;
}

/** Which bar field scanners read as "the price" (SIGNAL_PRICE_COLUMN). */
export type PriceColumn = "close" | "adj_close";

/** The series of `column` over `bars`. */
export function pricesOf(bars: readonly Bar[], column: PriceColumn): number[] {
  return bars.map((bar) => bar[column]);
}

/** A stream of trading days: each call gives the next day's bars, or null once exhausted. */
export interface MarketSource {
  /** Tickers this source produces, in a stable order. */
  readonly tickers: readonly string[];
  /** The next trading day's bars (one per ticker that traded that day), or null at the end. */
  next(): Bar[] | null;
}
