/**
 * Daily bars as agents read them: from `market_bars` live, from memory in a backtest, where a
 * clock (the simulated day) hides every bar after it so no step can look ahead.
 */
import type { Sql } from "../db.ts";
import type { Bar } from "./bar.ts";
import { readBars, type ReadBarsOptions } from "./bars_store.ts";

/** A source of stored daily bars. */
export interface MarketData {
  /** The latest bars of `ticker` up to `until` (default: the latest), oldest first. */
  bars(ticker: string, options?: ReadBarsOptions): Promise<Bar[]>;
}

/** Bars in Postgres. */
export function postgresMarket(sql: Sql): MarketData {
  return { bars: (ticker, options) => readBars(sql, ticker, options) };
}

/** Bars in memory, visible up to the simulated day. */
export interface MemoryMarket extends MarketData {
  /** The simulated day, YYYY-MM-DD: bars after it are not visible. */
  today: string;
  /** The latest visible close of `ticker`, or null. */
  markOf(ticker: string): number | null;
}

/** Bars in memory (per ticker, dates increasing), the clock set to `today`. */
export function memoryMarket(
  bars: ReadonlyMap<string, readonly Bar[]>,
  today = "0000-00-00",
): MemoryMarket {
  /** Index just past the last bar of `ticker` on or before `date`. */
  const end = (series: readonly Bar[], date: string) => {
    let lo = 0;
    let hi = series.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (series[mid]!.date <= date) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const market: MemoryMarket = {
    today,
    bars(ticker, options = {}) {
      const series = bars.get(ticker) ?? [];
      const until = options.until && options.until < market.today ? options.until : market.today;
      const stop = end(series, until);
      return Promise.resolve(series.slice(Math.max(0, stop - (options.limit ?? 500)), stop));
    },
    markOf(ticker) {
      const series = bars.get(ticker) ?? [];
      const stop = end(series, market.today);
      return stop === 0 ? null : series[stop - 1]!.close;
    },
  };
  return market;
}
