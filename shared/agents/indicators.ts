/**
 * `indicators`: SMA, EMA, RSI, MACD, Bollinger bands and ATR of the signal's ticker at the
 * signal's bar (or the latest stored bar), from `market_bars`, with the scanners' own indicator
 * code. Outputs flat numbers named by period (`sma50`, `ema12`, `rsi14`, `macd`, `macd_signal`,
 * `macd_histogram`, `bb_upper`, `bb_middle`, `bb_lower`, `atr14`, `close`), the same for the bar
 * before under `prev` (for crossings), and null where history is too short.
 *
 * @example {"id": "indicators", "agent": "indicators", "params": {"sma": [50, 200], "ema": [12, 26], "rsi": 14, "atr": 14, "bars": 400}}
 */
import { z } from "../zod.ts";
import { defineAgent } from "./agent.ts";
import { barsToSignal, targetTicker } from "./step_inputs.ts";
import { type Bar, pricesOf } from "../market/bar.ts";
import { tickerSchema } from "../schemas/ticker.ts";
import { atr } from "../indicators/atr.ts";
import { bollinger } from "../indicators/bollinger.ts";
import { ema } from "../indicators/ema.ts";
import { macd } from "../indicators/macd.ts";
import { rsi } from "../indicators/rsi.ts";
import { sma } from "../indicators/sma.ts";

const period = z.number().int().min(1).max(1000);

export const indicatorsParams = z.object({
  /** Ticker to compute for; default the signal's. */
  ticker: tickerSchema.optional(),
  /** Which price the series use; default "close". */
  price: z.enum(["close", "adj_close"]).default("close"),
  /** SMA periods; default [50, 200]. */
  sma: z.array(period).max(10).default([50, 200]),
  /** EMA periods; default [12, 26]. */
  ema: z.array(period).max(10).default([12, 26]),
  /** RSI period; default 14. */
  rsi: period.default(14),
  /** MACD periods; default 12, 26, 9. */
  macd: z.object({ fast: period, slow: period, signal: period }).strict()
    .refine((m) => m.fast < m.slow, { message: "fast must be less than slow", path: ["fast"] })
    .default({ fast: 12, slow: 26, signal: 9 }),
  /** Bollinger period and width in standard deviations; default 20, 2. */
  bollinger: z.object({ period, stddev: z.number().positive().max(10) }).strict()
    .default({ period: 20, stddev: 2 }),
  /** ATR period; default 14. */
  atr: period.default(14),
  /** Bars of history read (EMAs and RSI converge with more); default 400. */
  bars: z.number().int().min(2).max(5000).default(400),
}).strict();
export type IndicatorsParams = z.infer<typeof indicatorsParams>;

/** Indicator values at one bar, by name. */
export type IndicatorValues = Record<string, number | null>;

/** The indicators of `bars` (oldest first) at the last bar and the one before it. */
export function computeIndicators(
  bars: readonly Bar[],
  params: IndicatorsParams,
): { now: IndicatorValues; prev: IndicatorValues } {
  const values = pricesOf(bars, params.price);
  const series: Record<string, (number | null)[]> = { close: values };
  for (const p of params.sma) series[`sma${p}`] = sma(values, p);
  for (const p of params.ema) series[`ema${p}`] = ema(values, p);
  series[`rsi${params.rsi}`] = rsi(values, params.rsi);
  const m = macd(values, params.macd.fast, params.macd.slow, params.macd.signal);
  Object.assign(series, {
    macd: m.macd,
    macd_signal: m.signal,
    macd_histogram: m.histogram,
  });
  const bb = bollinger(values, params.bollinger.period, params.bollinger.stddev);
  Object.assign(series, { bb_upper: bb.upper, bb_middle: bb.middle, bb_lower: bb.lower });
  series[`atr${params.atr}`] = atr(bars, params.atr);
  const at = (index: number) =>
    Object.fromEntries(Object.entries(series).map(([name, s]) => [name, s[index] ?? null]));
  return { now: at(bars.length - 1), prev: at(bars.length - 2) };
}

export const indicatorsAgent = defineAgent({
  name: "indicators",
  description: "Computes SMA, EMA, RSI, MACD, Bollinger and ATR at the signal's bar",
  params: indicatorsParams,
  async run(params, ctx) {
    const ticker = targetTicker("indicators", params.ticker, ctx.signal);
    const bars = await barsToSignal(ctx.market, "indicators", ticker, ctx.signal, params.bars);
    const last = bars.at(-1)!;
    const { now, prev } = computeIndicators(bars, params);
    return { output: { ticker, date: last.date, bars: bars.length, ...now, prev } };
  },
});
