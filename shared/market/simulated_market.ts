/**
 * A seeded, reproducible market for demos and load: each ticker follows a log-price random walk
 * whose drift switches between regimes, so trends form, reverse and stall, and moving-average
 * crosses happen every few hundred bars.
 *
 * Per ticker (its own Mulberry32 stream, seeded from SIGNAL_SEED and the ticker, so adding a
 * ticker does not change the others), each trading day:
 * - with probability 1/REGIME_LENGTH the regime switches to one of the other two:
 *   `up` (drift +μ), `down` (drift −μ) or `range` (mean reversion towards the log price at the
 *   start of the regime with strength κ);
 * - log close += drift + κ·(anchor − log close) + σ·z, with z standard normal (Box–Muller),
 *   plus a weak pull (HOME_PULL per day) towards the first log price so that, over thousands of
 *   bars, prices stay within a realistic range instead of drifting to pennies or millions;
 * - open = previous close · e^(σ·z/4); high and low extend the open–close body by |σ·z/2|;
 * - volume = 1,000,000 · e^(z/3), scaled up on large moves.
 * Dates are weekdays from `startDate`; `adj_close` equals `close`.
 */
import type { Bar, MarketSource } from "./bar.ts";
import { mulberry32, normal, seedFor } from "./prng.ts";

/** Options of {@linkcode simulatedMarket}. */
export interface SimulatedMarketOptions {
  tickers: readonly string[];
  /** Seed of every ticker's random stream (SIGNAL_SEED). */
  seed: number;
  /** First trading day; default "2015-01-02". Later days skip Saturdays and Sundays. */
  startDate?: string;
}

const REGIME_LENGTH = 60;
const TREND_DRIFT = 0.004;
const REVERSION = 0.05;
const HOME_PULL = 0.002;
type Regime = "up" | "down" | "range";
const REGIMES: readonly Regime[] = ["up", "down", "range"];

interface TickerWalk {
  random: () => number;
  sigma: number;
  logClose: number;
  regime: Regime;
  anchor: number;
  home: number;
}

/** An endless market source; the same options always give the same bars. */
export function simulatedMarket(options: SimulatedMarketOptions): MarketSource {
  const walks = options.tickers.map((ticker): TickerWalk => {
    const random = mulberry32(seedFor(options.seed, ticker));
    const logClose = Math.log(20 + random() * 480);
    return {
      random,
      sigma: 0.01 + random() * 0.015,
      logClose,
      regime: REGIMES[Math.floor(random() * 3)]!,
      anchor: logClose,
      home: logClose,
    };
  });
  let day = new Date(`${options.startDate ?? "2015-01-02"}T00:00:00Z`);
  let first = true;
  return {
    tickers: [...options.tickers],
    next() {
      if (!first) day = nextWeekday(day);
      first = false;
      const date = day.toISOString().slice(0, 10);
      return options.tickers.map((ticker, i) => step(walks[i]!, ticker, date));
    },
  };
}

function step(walk: TickerWalk, ticker: string, date: string): Bar {
  const { random, sigma } = walk;
  if (random() < 1 / REGIME_LENGTH) {
    const others = REGIMES.filter((r) => r !== walk.regime);
    walk.regime = others[Math.floor(random() * others.length)]!;
    walk.anchor = walk.logClose;
  }
  const drift = walk.regime === "up"
    ? TREND_DRIFT
    : walk.regime === "down"
    ? -TREND_DRIFT
    : REVERSION * (walk.anchor - walk.logClose);
  const previousClose = Math.exp(walk.logClose);
  const move = drift + HOME_PULL * (walk.home - walk.logClose) + sigma * normal(random);
  walk.logClose += move;
  const close = Math.exp(walk.logClose);
  const open = previousClose * Math.exp((sigma * normal(random)) / 4);
  const high = Math.max(open, close) * Math.exp(Math.abs((sigma * normal(random)) / 2));
  const low = Math.min(open, close) * Math.exp(-Math.abs((sigma * normal(random)) / 2));
  const volume = Math.round(
    1_000_000 * Math.exp(normal(random) / 3) * (1 + Math.abs(move) / sigma),
  );
  return {
    ticker,
    date,
    open: cents(open),
    high: cents(high),
    low: cents(low),
    close: cents(close),
    adj_close: cents(close),
    volume,
  };
}

function cents(price: number): number {
  return Math.max(0.01, Math.round(price * 100) / 100);
}

function nextWeekday(day: Date): Date {
  const next = new Date(day.getTime() + 86_400_000);
  const weekday = next.getUTCDay();
  if (weekday === 6) return new Date(next.getTime() + 2 * 86_400_000);
  if (weekday === 0) return new Date(next.getTime() + 86_400_000);
  return next;
}
