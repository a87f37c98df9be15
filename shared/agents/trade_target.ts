/**
 * What a market step acts on: a ticker, its bar date and a price, taken from the triggering
 * signal, or from the latest stored bar when the signal has no date or price (or there is no
 * signal and the step names a ticker).
 */
import type { Sql } from "../db.ts";
import { readBars } from "../market/bars_store.ts";
import type { TickerSignal } from "../schemas/signal.ts";
import { NonRetryableError } from "./errors.ts";

/** A ticker at a bar. */
export interface TradeTarget {
  ticker: string;
  /** The bar's date, YYYY-MM-DD; null only when the signal gave a price and no date. */
  date: string | null;
  price: number;
}

/** The step's ticker: its own `ticker` param, else the signal's; throws when neither exists. */
export function targetTicker(
  agent: string,
  ticker: string | undefined,
  signal: TickerSignal | null,
) {
  const chosen = ticker ?? signal?.ticker;
  if (!chosen) {
    throw new NonRetryableError(
      `Agent "${agent}" needs a ticker: the run has no signal and params "ticker" is not set`,
    );
  }
  return chosen;
}

/**
 * The ticker, date and price: the signal's price when it has one (and the step trades the
 * signal's ticker), else the close of the signal's bar (or the latest stored bar).
 */
export async function tradeTarget(
  sql: Sql,
  agent: string,
  ticker: string | undefined,
  signal: TickerSignal | null,
): Promise<TradeTarget> {
  const chosen = targetTicker(agent, ticker, signal);
  const own = signal && signal.ticker === chosen ? signal : null;
  if (own?.price !== undefined) {
    return { ticker: chosen, date: own.bar_date ?? null, price: own.price };
  }
  const [bar] = await readBars(sql, chosen, {
    limit: 1,
    ...own?.bar_date && { until: own.bar_date },
  });
  if (!bar || (own?.bar_date && bar.date !== own.bar_date)) {
    throw new NonRetryableError(
      `Agent "${agent}" has no price for "${chosen}"${
        own?.bar_date ? ` on ${own.bar_date}` : ""
      }: no such bar in market_bars${bar ? ` (latest before it: ${bar.date})` : ""}`,
    );
  }
  return { ticker: chosen, date: bar.date, price: bar.close };
}
