/**
 * The functions a scanner expression may call, each over whole series (one value per bar, null
 * where not enough history exists yet), built on the same indicator code as the built-in
 * scanners, so an expression that restates a built-in fires on exactly its bars.
 */
import { atr } from "../indicators/atr.ts";
import { bollinger } from "../indicators/bollinger.ts";
import { crossings } from "../indicators/crossings.ts";
import { ema } from "../indicators/ema.ts";
import { macd } from "../indicators/macd.ts";
import { rsi } from "../indicators/rsi.ts";
import { sma } from "../indicators/sma.ts";
import type { Bar } from "../market/bar.ts";

/** A number series: one value per bar. */
export type NumberSeries = (number | null)[];
/** A condition series: one truth per bar. */
export type BooleanSeries = boolean[];

/** One parameter: a series, or a constant (a whole-number period, or any number). */
export interface Param {
  name: string;
  kind: "series" | "period" | "number";
  /** The value when the argument is left out (constants only). */
  default?: number;
}

/** What an argument evaluates to: a series, or a constant for "period" and "number" params. */
export type Arg = NumberSeries | number;

/** A function's signature, cost and implementation. */
export interface SeriesFunction {
  params: readonly Param[];
  returns: "number" | "boolean";
  /** Work per bar, given the constant arguments (by parameter name). */
  cost(constants: Record<string, number>): number;
  /**
   * Bars before a value that computing it reads (a window's period − 1); absent when the value
   * depends on the whole history (recursive indicators, crossings).
   */
  lookback?(constants: Record<string, number>): number;
  apply(args: Arg[], bars: readonly Bar[]): NumberSeries | BooleanSeries;
}

const series = (name = "series"): Param => ({ name, kind: "series" });
const period = (name = "period", fallback?: number): Param =>
  fallback === undefined ? { name, kind: "period" } : { name, kind: "period", default: fallback };
const one = () => 1;
const s = (arg: Arg | undefined) => arg as number[];
const n = (arg: Arg | undefined) => arg as number;

/** The series `a − b` (null where either is null). */
function difference(a: NumberSeries, b: NumberSeries): NumberSeries {
  return a.map((x, i) => {
    const y = b[i];
    return x == null || y == null ? null : x - y;
  });
}

/** Where `a − b` changes sign in `direction`, with the built-in scanners' crossing rule. */
function crossing(a: NumberSeries, b: NumberSeries, direction: 1 | -1): BooleanSeries {
  const out: BooleanSeries = new Array(a.length).fill(false);
  for (const c of crossings(difference(a, b))) if (c.direction === direction) out[c.index] = true;
  return out;
}

function window(
  values: NumberSeries,
  length: number,
  pick: (a: number, b: number) => number,
): NumberSeries {
  return values.map((_, i) => {
    if (i < length - 1) return null;
    let result: number | null = null;
    for (let j = i - length + 1; j <= i; j++) {
      const v = values[j];
      if (v == null) return null;
      result = result === null ? v : pick(result, v);
    }
    return result;
  });
}

const bollingerBand = (band: "upper" | "lower" | "middle"): SeriesFunction => ({
  params: [series(), period("period", 20), { name: "k", kind: "number", default: 2 }],
  returns: "number",
  cost: (c) => c.period ?? 20,
  lookback: (c) => (c.period ?? 20) - 1,
  apply: ([values, p, k]) => bollinger(s(values), n(p), n(k))[band],
});

const macdPart = (part: "macd" | "signal" | "histogram"): SeriesFunction => ({
  params: [series(), period("fast", 12), period("slow", 26), period("signal", 9)],
  returns: "number",
  cost: one,
  apply: ([values, fast, slow, signal]) => macd(s(values), n(fast), n(slow), n(signal))[part],
});

/** Every function, by name. */
export const SERIES_FUNCTIONS: Readonly<Record<string, SeriesFunction>> = {
  sma: {
    params: [series(), period()],
    returns: "number",
    cost: one,
    lookback: (c) => (c.period ?? 1) - 1,
    apply: ([v, p]) => sma(s(v), n(p)),
  },
  ema: {
    params: [series(), period()],
    returns: "number",
    cost: one,
    apply: ([v, p]) => ema(s(v), n(p)),
  },
  rsi: {
    params: [series(), period("period", 14)],
    returns: "number",
    cost: one,
    apply: ([v, p]) => rsi(s(v), n(p)),
  },
  bollinger_upper: bollingerBand("upper"),
  bollinger_middle: bollingerBand("middle"),
  bollinger_lower: bollingerBand("lower"),
  macd_line: macdPart("macd"),
  macd_signal: macdPart("signal"),
  macd_histogram: macdPart("histogram"),
  atr: {
    params: [period("period", 14)],
    returns: "number",
    cost: one,
    apply: ([p], bars) => atr(bars, n(p)),
  },
  highest: {
    params: [series(), period()],
    returns: "number",
    cost: (c) => c.period ?? 1,
    lookback: (c) => (c.period ?? 1) - 1,
    apply: ([v, p]) => window(s(v), n(p), Math.max),
  },
  lowest: {
    params: [series(), period()],
    returns: "number",
    cost: (c) => c.period ?? 1,
    lookback: (c) => (c.period ?? 1) - 1,
    apply: ([v, p]) => window(s(v), n(p), Math.min),
  },
  prev: {
    params: [series(), period("bars", 1)],
    returns: "number",
    cost: one,
    lookback: (c) => c.bars ?? 1,
    apply: ([v, p]) => s(v).map((_, i) => (i < n(p) ? null : s(v)[i - n(p)] ?? null)),
  },
  abs: {
    params: [series()],
    returns: "number",
    cost: one,
    lookback: () => 0,
    apply: ([v]) => s(v).map((x) => (x == null ? null : Math.abs(x))),
  },
  crossover: {
    params: [series("a"), series("b")],
    returns: "boolean",
    cost: one,
    apply: ([a, b]) => crossing(s(a), s(b), 1),
  },
  crossunder: {
    params: [series("a"), series("b")],
    returns: "boolean",
    cost: one,
    apply: ([a, b]) => crossing(s(a), s(b), -1),
  },
};

/** Bar fields an expression may name; `close` reads the configured price column. */
export const SERIES_NAMES = ["open", "high", "low", "close", "adj_close", "volume"] as const;
