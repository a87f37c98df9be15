/**
 * The scan loop: reads one trading day at a time from a market source, scans each ticker that
 * traded, and hands the day's signals to the publisher, pacing live days by the interval.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../../shared/logging.ts";
import type { Bar, MarketSource, PriceColumn } from "../../shared/market/bar.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import { detectSignals } from "./detect_signals.ts";
import type { GeneratorMetrics } from "./generator_metrics.ts";
import type { Scanner } from "./scanners/scanner.ts";

/** Options of {@linkcode runSignalGenerator}. */
export interface SignalGeneratorOptions {
  source: MarketSource;
  scanners: readonly Scanner[];
  priceColumn: PriceColumn;
  /** Receives each live day's signals (the publisher's `publish`). */
  publish: (signals: TickerSignal[]) => void;
  log: Logger;
  metrics: GeneratorMetrics;
  /** Pause between live days (SIGNAL_INTERVAL_SECONDS × 1000); 0 runs as fast as possible. */
  intervalMs: number;
  /**
   * Days read as history before live stepping starts, without signals; default 250, so SMA200
   * and every other indicator exist on the first live day.
   */
  warmupDays?: number;
  /** Bars kept per ticker (the window each scan reads); default 1000. */
  historyBars?: number;
  /** Stores each day's bars, warm-up included, before its signals go out (agents read them). */
  storeBars?: (bars: readonly Bar[]) => Promise<void>;
  /**
   * More signals of each live day, published with the built-ins' (the users' expression scanners,
   * see user_scanners.ts); counted under the metric label scanner="user".
   */
  moreSignals?: (
    day: readonly Bar[],
    history: ReadonlyMap<string, readonly Bar[]>,
    emittedAt: string,
  ) => TickerSignal[];
  /** Called after each live day's scan (prints the table on a TTY). */
  onScan?: (date: string, signals: readonly TickerSignal[]) => void;
}

/**
 * Runs until the source is exhausted or `signal` aborts. A live day's signals are those of its
 * own bar; Wilder and EMA seeds fade long before `historyBars`, so a window scan finds the same
 * signals as a replay of the whole history.
 */
export async function runSignalGenerator(
  options: SignalGeneratorOptions,
  signal: AbortSignal,
): Promise<{ days: number }> {
  const { source, scanners, priceColumn, log, metrics } = options;
  const warmupDays = options.warmupDays ?? 250;
  const historyBars = Math.max(options.historyBars ?? 1000, warmupDays);
  const history = new Map<string, Bar[]>();
  let days = 0;
  while (!signal.aborted) {
    const bars = source.next();
    if (!bars) break;
    days++;
    metrics.bars.inc({}, bars.length);
    for (const bar of bars) {
      const series = history.get(bar.ticker) ?? [];
      series.push(bar);
      if (series.length > historyBars) series.shift();
      history.set(bar.ticker, series);
    }
    await options.storeBars?.(bars);
    if (days <= warmupDays) {
      if (days === warmupDays) log.info("Warmed up on {days} days; scanning live", { days });
      continue;
    }
    const emittedAt = new Date().toISOString();
    const signals = bars.flatMap((bar) => {
      const series = history.get(bar.ticker)!;
      return detectSignals(series, scanners, { priceColumn, fromIndex: series.length - 1 })
        .map((s): TickerSignal => ({ ...s, emitted_at: emittedAt }));
    });
    for (const s of signals) metrics.signalsEmitted.inc({ scanner: s.scanner! });
    const more = options.moreSignals?.(bars, history, emittedAt) ?? [];
    if (more.length > 0) metrics.signalsEmitted.inc({ scanner: "user" }, more.length);
    signals.push(...more);
    options.publish(signals);
    options.onScan?.(bars[0]?.date ?? "", signals);
    // A zero interval still yields, so the publisher and the metrics server keep running.
    await sleep(options.intervalMs, undefined, { signal }).catch(() => {});
  }
  if (!signal.aborted && days <= warmupDays) {
    log.warn(
      "All {days} days of market data went into the {warmupDays}-day warm-up, so nothing was scanned live; `deno task signals replay` scans a whole history",
      { days, warmupDays },
    );
  }
  return { days };
}
