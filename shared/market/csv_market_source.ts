/** A market source that steps through bars read from CSV, one trading day at a time. */
import type { Bar, MarketSource } from "./bar.ts";

/** Steps through `bars` (per ticker, dates increasing) by date: each day gives every ticker's bar. */
export function csvMarketSource(bars: ReadonlyMap<string, readonly Bar[]>): MarketSource {
  const tickers = [...bars.keys()].sort();
  const positions = new Map(tickers.map((t) => [t, 0]));
  return {
    tickers,
    next() {
      let day: string | undefined;
      for (const ticker of tickers) {
        const bar = bars.get(ticker)![positions.get(ticker)!];
        if (bar && (day === undefined || bar.date < day)) day = bar.date;
      }
      if (day === undefined) return null;
      const out: Bar[] = [];
      for (const ticker of tickers) {
        const position = positions.get(ticker)!;
        const bar = bars.get(ticker)![position];
        if (bar?.date !== day) continue;
        out.push(bar);
        positions.set(ticker, position + 1);
      }
      return out;
    },
  };
}
