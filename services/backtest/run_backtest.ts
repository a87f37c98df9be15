/**
 * A backtest runs a pipeline over historical daily bars with the live code: the generator's
 * scanners find the signals, the dispatcher's matching (`toMatchablePipeline`, `decideSignal`)
 * decides which trigger a run, the worker's engine (`runPipeline`) runs the steps with the real
 * agents, and the ledger's order plans and exit decisions book the trades. Only the stores differ:
 * bars and the ledger live in memory, and a clock (the simulated day) hides every later bar.
 *
 * Each day, in order: every bar of the day goes to the ledger (protective exits, as the bar
 * consumer does live), then the day's matched signals run the pipeline one after another (live,
 * runs of one pipeline are serialised by its overlap policy; here they never overlap), then
 * equity is marked at the closes. A signal is emitted at its bar, so none is ever stale.
 *
 * A periodic pipeline runs instead on the days its schedule fires (schedule_days.ts, the
 * scheduler's clock), once a day, without a signal, as the scheduler's runs do: after that day's
 * bars, or on a day without bars (a weekend) with the bars before it.
 */
import type { Logger } from "@logtape/logtape";
import type { Agent } from "../../shared/agents/agent.ts";
import { egressPolicy } from "../../shared/egress/egress_policy.ts";
import { DEFAULT_STARTING_CASH, pipelineAccountName } from "../../shared/ledger/accounts.ts";
import { type MemoryLedger, memoryLedger } from "../../shared/ledger/memory_ledger.ts";
import type { Bar, PriceColumn } from "../../shared/market/bar.ts";
import { memoryMarket } from "../../shared/market/market_data.ts";
import type { PipelineBody } from "../../shared/schemas/pipeline_request.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import { decideSignal } from "../dispatcher/match.ts";
import { toMatchablePipeline } from "../dispatcher/pipeline_index.ts";
import { type DetectedSignal, detectSignals } from "../signal_generator/detect_signals.ts";
import type { Scanner } from "../signal_generator/scanners/scanner.ts";
import { runPipeline } from "../worker/run_pipeline.ts";
import { scheduleDays } from "./schedule_days.ts";
import {
  type EquityPoint,
  type LedgerStats,
  ledgerStats,
} from "../../shared/ledger/ledger_stats.ts";
import { type Trade, tradesOf } from "../../shared/ledger/trades.ts";

/** Options of {@linkcode runBacktest}. */
export interface BacktestOptions {
  /** The pipeline, as `POST /api/v1/pipelines` accepts it (parsed, defaults applied). */
  pipeline: PipelineBody;
  /** Daily bars per ticker, dates increasing (earlier bars serve as indicator history). */
  bars: ReadonlyMap<string, readonly Bar[]>;
  /** The price the scanners read; default "close". */
  priceColumn?: PriceColumn;
  /** First and last day traded, YYYY-MM-DD; default the whole history. */
  from?: string;
  to?: string;
  /** Starting cash of the account; default {@linkcode DEFAULT_STARTING_CASH}. */
  cash?: number;
  /** The scanners the generator runs. */
  scanners: readonly Scanner[];
  // deno-lint-ignore no-explicit-any
  agents: ReadonlyMap<string, Agent<any>>;
  log: Logger;
  /** Awaited every 20 days, e.g. to let a server answer requests meanwhile; default none. */
  pause?: () => Promise<void>;
}

/** What a backtest prints. */
export interface BacktestResult {
  pipeline: string;
  tickers: string[];
  from: string | null;
  to: string | null;
  /** `signals`: signals that matched (signal mode); `ticks`: days the schedule ran it (periodic). */
  runs: {
    signals: number;
    ticks: number;
    succeeded: number;
    skipped: number;
    rejected: number;
    failed: number;
  };
  /** Up to 20 distinct reasons runs failed, with counts. */
  failures: Record<string, number>;
  trades: Trade[];
  stats: LedgerStats;
  equity: EquityPoint[];
}

/** The backtest's owner and pipeline ids (the ledger keys accounts by owner). */
const OWNER = "backtest";
const PIPELINE_ID = "00000000-0000-4000-8000-000000000000";

/** Runs `pipeline` over `bars`; the `agents` and `scanners` are the live ones. */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const { pipeline, log } = options;
  const periodic = pipeline.trigger_mode === "periodic";
  if (periodic && !pipeline.schedule) {
    throw new Error(`Cannot backtest pipeline "${pipeline.name}": it is periodic with no schedule`);
  }
  const matchable = toMatchablePipeline({
    ...pipeline,
    trigger_mode: "signal",
    id: PIPELINE_ID,
    owner_id: OWNER,
    is_active: true,
  })!;
  // A periodic pipeline's steps name their tickers; with no scanner_tickers, every ticker given.
  const wanted = periodic && matchable.tickers.length === 0
    ? [...options.bars.keys()]
    : matchable.tickers;
  const tickers = wanted.filter((t) => options.bars.has(t)).sort();
  if (tickers.length === 0) {
    throw new Error(
      `Cannot backtest pipeline "${pipeline.name}": none of its tickers (${
        wanted.join(", ")
      }) is in the bars (${[...options.bars.keys()].join(", ") || "none"})`,
    );
  }
  const priceColumn = options.priceColumn ?? "close";
  // Signals of scanners the filter rejects would match nothing: skip computing them.
  const allowed = pipeline.signal_filter?.scanners;
  const scanners = allowed
    ? options.scanners.filter((s) => allowed.includes(s.name))
    : options.scanners;
  const from = options.from ?? "0000-00-00";
  const to = options.to ?? "9999-99-99";
  const signalsByDay = new Map<string, DetectedSignal[]>();
  const barsByDay = new Map<string, Bar[]>();
  for (const ticker of tickers) {
    const series = options.bars.get(ticker)!;
    for (const bar of series) {
      if (bar.date < from || bar.date > to) continue;
      const day = barsByDay.get(bar.date);
      if (day) day.push(bar);
      else barsByDay.set(bar.date, [bar]);
    }
    for (const signal of periodic ? [] : detectSignals(series, scanners, { priceColumn })) {
      if (signal.bar_date < from || signal.bar_date > to) continue;
      const day = signalsByDay.get(signal.bar_date);
      if (day) day.push(signal);
      else signalsByDay.set(signal.bar_date, [signal]);
    }
  }
  const barDays = [...barsByDay.keys()].sort();
  const ticks = periodic && barDays.length > 0
    ? new Set(scheduleDays(pipeline.schedule!, barDays[0]!, barDays.at(-1)!))
    : new Set<string>();
  const days = [...new Set([...barDays, ...ticks])].sort();

  const market = memoryMarket(options.bars);
  const cash = options.cash ?? DEFAULT_STARTING_CASH;
  const ledger = memoryLedger({ markOf: (t) => market.markOf(t), startingCash: cash });
  const runs = { signals: 0, ticks: 0, succeeded: 0, skipped: 0, rejected: 0, failed: 0 };
  const failures: Record<string, number> = {};
  const equity: EquityPoint[] = [];
  const stop = new AbortController().signal;
  const sql = new Proxy({}, {
    get() {
      throw new Error("Postgres is not available in a backtest: use ctx.market and ctx.ledger");
    },
  }) as never;
  let executions = 0;
  const run = async (signal: TickerSignal | null) => {
    const outcome = await runPipeline({
      steps: pipeline.config.steps,
      registry: options.agents,
      stop,
      defaultTimeoutSeconds: 30,
      context: {
        signal,
        pipeline: {
          id: PIPELINE_ID,
          owner_id: OWNER,
          name: pipeline.name,
          account: pipelineAccountName({ id: PIPELINE_ID, account: pipeline.account }),
        },
        execution: {
          id: `backtest-${++executions}`,
          trigger_kind: signal ? "signal" : "periodic",
          attempt: 1,
        },
        log,
        sql,
        market,
        ledger,
        // A backtest may call public webhooks like a live run, never internal addresses.
        egress: egressPolicy(""),
      },
    });
    if (outcome.status === "interrupted") return;
    runs[outcome.status]++;
    if (outcome.status === "failed" && Object.keys(failures).length < 20) {
      failures[outcome.error] = (failures[outcome.error] ?? 0) + 1;
    }
  };

  for (const [i, day] of days.entries()) {
    if (options.pause && i % 20 === 19) await options.pause();
    market.today = day;
    const bars = barsByDay.get(day);
    for (const bar of bars ?? []) {
      if (ledger.holds(bar.ticker)) await ledger.applyBar(bar);
    }
    for (const detected of signalsByDay.get(day) ?? []) {
      const emittedAt = Date.parse(`${day}T00:00:00Z`);
      const signal: TickerSignal = { ...detected, emitted_at: new Date(emittedAt).toISOString() };
      if (decideSignal(matchable, signal, emittedAt, emittedAt) !== "matched") continue;
      runs.signals++;
      await run(signal);
    }
    if (ticks.has(day)) {
      runs.ticks++;
      await run(null);
    }
    // One point per bar day: a weekend tick's trades show in the next bar day's point.
    if (bars) equity.push(await markEquity(ledger, day, cash));
  }
  const last = days.at(-1);
  const trades = tradesOf(ledger.fills, (ticker) => market.markOf(ticker));
  const buyAndHold = tickers.map((ticker) => {
    const inRange = options.bars.get(ticker)!.filter((b) => b.date >= from && b.date <= to);
    return { first: inRange[0]?.[priceColumn], last: inRange.at(-1)?.[priceColumn] };
  });
  return {
    pipeline: pipeline.name,
    tickers,
    from: days[0] ?? null,
    to: last ?? null,
    runs,
    failures,
    trades,
    stats: ledgerStats({
      equity,
      trades,
      startingCash: cash * Math.max(1, ledger.accounts.length),
      buyAndHold,
    }),
    equity,
  };
}

/** Cash, equity and invested value over every account the backtest opened. */
async function markEquity(ledger: MemoryLedger, date: string, cash: number): Promise<EquityPoint> {
  const accounts = ledger.accounts;
  if (accounts.length === 0) return { date, equity: cash, cash, invested: 0 };
  let point = { date, equity: 0, cash: 0, invested: 0 };
  for (const account of accounts) {
    const v = await ledger.value(account);
    const invested = v.positions.reduce((s, p) => s + Math.abs(p.market_value), 0);
    point = {
      date,
      equity: point.equity + v.equity,
      cash: point.cash + v.cash,
      invested: point.invested + invested,
    };
  }
  return point;
}
