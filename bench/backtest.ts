/**
 * The backtest section: `examples/golden_cross_long.json` over 20 years of simulated daily bars
 * (5 218 weekdays from 2000-01-03) for 100 tickers, run by the same `runBacktest` as
 * `deno task backtest`; the time covers scanning, matching, the pipeline runs, exits and equity
 * (generating the bars is not timed). Median of `runs` runs.
 */
import process from "node:process";
import { getLogger } from "@logtape/logtape";
import { agentRegistry } from "../shared/agents/registry.ts";
import type { Bar } from "../shared/market/bar.ts";
import { simulatedMarket } from "../shared/market/simulated_market.ts";
import { readPipelineFile } from "../services/backtest/load_backtest.ts";
import { runBacktest } from "../services/backtest/run_backtest.ts";
import { scannerRegistry } from "../services/signal_generator/scanners/registry.ts";
import { median } from "./percentiles.ts";

/** What the section reports. */
export interface BacktestBench {
  tickers: number;
  bars: number;
  days: number;
  signals: number;
  trades: number;
  /** Median wall-clock seconds of a run, and of CPU time (the machine is shared). */
  seconds: number;
  cpu_seconds: number;
  runs_seconds: number[];
}

/** Runs the section; `tickers` and `days` default to 100 and 5218 (20 years of weekdays). */
export async function runBacktestBench(
  options: { tickers?: number; days?: number; runs?: number } = {},
): Promise<BacktestBench> {
  const tickerCount = options.tickers ?? 100;
  const days = options.days ?? 5218;
  const tickers = Array.from({ length: tickerCount }, (_, i) => `T${String(i).padStart(3, "0")}`);
  const source = simulatedMarket({ tickers, seed: 42, startDate: "2000-01-03" });
  const bars = new Map<string, Bar[]>(tickers.map((t) => [t, []]));
  for (let day = 0; day < days; day++) {
    for (const bar of source.next() ?? []) bars.get(bar.ticker)!.push(bar);
  }
  const pipeline = await readPipelineFile(
    new URL("../examples/golden_cross_long.json", import.meta.url).pathname,
  );
  pipeline.scanner_tickers = tickers;
  const runs: number[] = [];
  const cpu: number[] = [];
  let last;
  for (let i = 0; i < (options.runs ?? 3); i++) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    last = await runBacktest({
      pipeline,
      bars,
      scanners: [...scannerRegistry.values()],
      agents: agentRegistry,
      log: getLogger(["tickwire", "bench", "backtest"]),
    });
    runs.push(Math.round(performance.now() - started) / 1000);
    const used = process.cpuUsage(cpuStart);
    cpu.push(Math.round((used.user + used.system) / 1000) / 1000);
  }
  return {
    tickers: tickerCount,
    bars: [...bars.values()].reduce((n, s) => n + s.length, 0),
    days: last!.equity.length,
    signals: last!.runs.signals,
    trades: last!.trades.length,
    seconds: median(runs),
    cpu_seconds: median(cpu),
    runs_seconds: runs,
  };
}
