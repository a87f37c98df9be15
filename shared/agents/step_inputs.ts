/**
 * What trading steps read: the ticker, bar date and price they act on (from the triggering
 * signal, or the latest stored bar when the signal has no date or price, or there is no signal
 * and the step names a ticker), the order side, and values from earlier outputs by path.
 */
import type { AgentContext } from "./agent.ts";
import { resolvePath, runScope } from "../rules/path.ts";
import type { Bar } from "../market/bar.ts";
import type { MarketData } from "../market/market_data.ts";
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
  market: MarketData,
  agent: string,
  ticker: string | undefined,
  signal: TickerSignal | null,
): Promise<TradeTarget> {
  const chosen = targetTicker(agent, ticker, signal);
  const own = signal && signal.ticker === chosen ? signal : null;
  if (own?.price !== undefined) {
    return { ticker: chosen, date: own.bar_date ?? null, price: own.price };
  }
  const bar = (await barsToSignal(market, agent, chosen, signal, 1)).at(-1)!;
  return { ticker: chosen, date: bar.date, price: bar.close };
}

/**
 * Up to `limit` bars of `ticker`, oldest first, ending at the signal's bar when the signal is
 * about `ticker` and dated, else at the latest stored one; throws when that bar is not stored.
 */
export async function barsToSignal(
  market: MarketData,
  agent: string,
  ticker: string,
  signal: TickerSignal | null,
  limit: number,
): Promise<Bar[]> {
  const date = signal?.ticker === ticker ? signal.bar_date : undefined;
  const bars = await market.bars(ticker, { limit, ...date && { until: date } });
  const last = bars.at(-1);
  if (!last || (date && last.date !== date)) {
    throw new NonRetryableError(
      `Agent "${agent}" has no bar for "${ticker}"${date ? ` on ${date}` : ""} in ` +
        `market_bars${last ? ` (latest before it: ${last.date})` : ""}`,
    );
  }
  return bars;
}

/** The order side: the step's `side` param, else the signal's direction (BULLISH buys). */
export function targetSide(
  agent: string,
  side: "buy" | "sell" | undefined,
  signal: TickerSignal | null,
): "buy" | "sell" {
  if (side) return side;
  if (!signal) {
    throw new NonRetryableError(
      `Agent "${agent}" needs a side: the run has no signal and params "side" is not set`,
    );
  }
  return signal.signal === "BULLISH" ? "buy" : "sell";
}

/** The value at a dotted path into `signal` and earlier outputs; an unknown path is non-retryable. */
export function stepInput(
  agent: string,
  path: string,
  ctx: Pick<AgentContext, "signal" | "outputs">,
): unknown {
  try {
    return resolvePath(runScope(ctx.signal, ctx.outputs), path);
  } catch (cause) {
    throw new NonRetryableError(`Agent "${agent}": ${(cause as Error).message}`, { cause });
  }
}
