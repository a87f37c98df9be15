/**
 * The scanners section: what one user expression scanner costs the generator per live bar of one
 * ticker, over its 1 000-bar window (generator.ts `historyBars`), evaluated the old way (the whole
 * window, keeping the last bar) and the live way (`evaluateTail`, the last bar only), side by side
 * in the same rounds; medians of `runs` rounds. No I/O: simulated bars, one process.
 */
import type { Bar } from "../shared/market/bar.ts";
import { simulatedMarket } from "../shared/market/simulated_market.ts";
import {
  compileExpression,
  evaluateExpression,
  evaluateTail,
} from "../shared/expressions/scanner_expression.ts";
import { MAX_SCANNER_TICKERS, MAX_SCANNERS_PER_USER } from "../shared/schemas/user_scanner.ts";
import { median } from "./percentiles.ts";

/** The examples, and a costly one: breakouts over one and two years of windows. */
export const BENCH_EXPRESSIONS = [
  "crossover(sma(close, 50), sma(close, 200))",
  "crossunder(rsi(close, 14), 70)",
  "close > bollinger_upper(close, 20, 2) and volume > sma(volume, 20) * 1.5",
  "macd_line(close, 12, 26, 9) crosses above macd_signal(close, 12, 26, 9)",
  "close > prev(highest(high, 252)) and low > prev(lowest(low, 252)) and " +
  "volume > highest(volume, 500) / 3 and close > bollinger_upper(close, 100, 2)",
] as const;

/** One expression's cost per live bar, before and after. */
export interface ScannerCost {
  expression: string;
  /** The compiler's per-bar cost (the capped quantity). */
  cost: number;
  whole_window_us: number;
  last_bar_us: number;
  /** whole_window_us / last_bar_us. */
  speedup: number;
}

/** What the section reports. */
export interface ScannerBench {
  window_bars: number;
  runs: number;
  expressions: ScannerCost[];
  /** A live day of one user at the caps (scanners × tickers each), with the costliest one. */
  user_at_caps_ms: { whole_window: number; last_bar: number };
}

/** Runs the section; `windowBars` and `runs` default to 1000 and 5. */
export function runScannerBench(
  options: { windowBars?: number; runs?: number } = {},
): ScannerBench {
  const windowBars = options.windowBars ?? 1000;
  const runs = options.runs ?? 5;
  const source = simulatedMarket({ tickers: ["BENCH"], seed: 42 });
  // One extra day per timed evaluation, so each one sees a new last bar as the generator does.
  const perRound = 200;
  const bars: Bar[] = [];
  for (let i = 0; i < windowBars + perRound; i++) bars.push(...source.next()!);
  const windows = Array.from(
    { length: perRound },
    (_, i) => bars.slice(i + 1, i + 1 + windowBars),
  );
  const time = (evaluate: (window: readonly Bar[]) => unknown) => {
    const started = performance.now();
    for (const window of windows) evaluate(window);
    return ((performance.now() - started) * 1000) / windows.length;
  };
  const expressions = BENCH_EXPRESSIONS.map((source): ScannerCost => {
    const compiled = compileExpression(source);
    const whole = (w: readonly Bar[]) => evaluateExpression(compiled, w).at(-1);
    const last = (w: readonly Bar[]) => evaluateTail(compiled, w, 1)[0];
    time(whole); // warm-up: let the JIT compile both paths before timing
    time(last);
    const wholeUs: number[] = [];
    const lastUs: number[] = [];
    for (let i = 0; i < runs; i++) {
      wholeUs.push(time(whole));
      lastUs.push(time(last));
    }
    const w = median(wholeUs);
    const l = median(lastUs);
    return {
      expression: source,
      cost: compiled.cost,
      whole_window_us: round(w),
      last_bar_us: round(l),
      speedup: round(w / l),
    };
  });
  const costliest = expressions.reduce((a, b) => (b.whole_window_us > a.whole_window_us ? b : a));
  const evaluations = MAX_SCANNERS_PER_USER * MAX_SCANNER_TICKERS;
  return {
    window_bars: windowBars,
    runs,
    expressions,
    user_at_caps_ms: {
      whole_window: round((costliest.whole_window_us * evaluations) / 1000),
      last_bar: round((costliest.last_bar_us * evaluations) / 1000),
    },
  };
}

const round = (v: number) => Math.round(v * 10) / 10;
