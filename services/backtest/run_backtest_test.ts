// The shipped example on the S&P 500's daily bars 2000–2020 from npm vega-datasets (the series
// the replay tests use): every entry on a golden cross the replay reports, every signal exit on
// the death cross after it, every stop where the bars say, and the P&L recomputed from the bars.
import "vega-datasets";
import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { agentRegistry } from "../../shared/agents/registry.ts";
import { readCsvBars } from "../../shared/market/csv_files.ts";
import { replaySignals } from "../signal_generator/replay.ts";
import { scannerRegistry } from "../signal_generator/scanners/registry.ts";
import { parsePipelineBody, readPipelineFile } from "./load_backtest.ts";
import { runBacktest } from "./run_backtest.ts";

const sp500 = new URL("../data/sp500-2000.csv", import.meta.resolve("vega-datasets")).pathname;
const example = new URL("../../examples/golden_cross_long.json", import.meta.url).pathname;

Deno.test("backtest: golden_cross_long.json on the S&P 500 enters on golden crosses and exits on death crosses or stops", async () => {
  const data = await readCsvBars(sp500, { fileTicker: "GSPC" });
  const bars = data.bars.get("GSPC")!;
  const pipeline = await readPipelineFile(example);
  const result = await runBacktest({
    pipeline,
    bars: data.bars,
    scanners: [...scannerRegistry.values()],
    agents: agentRegistry,
    log: getLogger(["tickwire", "test"]),
  });
  const crosses = replaySignals(data.bars, {
    scanners: [scannerRegistry.get("golden_cross")!, scannerRegistry.get("death_cross")!],
    priceColumn: "close",
  });
  const golden = crosses.filter((s) => s.scanner === "golden_cross").map((s) => s.bar_date);
  const death = crosses.filter((s) => s.scanner === "death_cross").map((s) => s.bar_date);
  assert.equal(golden.length, 9);
  assert.deepEqual(result.runs, {
    signals: 19,
    ticks: 0,
    succeeded: 19,
    skipped: 0,
    rejected: 0,
    failed: 0,
  });
  assert.deepEqual(result.trades.map((t) => t.entry_date), golden);
  assert.equal(result.equity.length, bars.length);

  const byDate = new Map(bars.map((b, i) => [b.date, { bar: b, i }]));
  let pnl = 0;
  for (const trade of result.trades) {
    assert.equal(trade.side, "long");
    const entry = byDate.get(trade.entry_date!)!;
    // Bought at the golden cross's close plus 5 bps.
    assert.equal(trade.entry_price, Math.round(entry.bar.close * 1.0005 * 1e8) / 1e8);
    const nextDeath = death.find((d) => d > trade.entry_date!)!;
    assert.ok(trade.exit_date && trade.exit_price, "every trade closes");
    const exit = byDate.get(trade.exit_date)!;
    if (trade.exit_reason === "signal") {
      assert.equal(trade.exit_date, nextDeath);
      assert.equal(trade.exit_price, Math.round(exit.bar.close * 0.9995 * 1e8) / 1e8);
    } else {
      // A stop before the death cross: the first bar whose low reached the stop, filled at the
      // stop (or at the open below it), less 5 bps.
      assert.equal(trade.exit_reason, "stop");
      assert.ok(trade.exit_date < nextDeath);
      const level = trade.exit_price / 0.9995;
      assert.ok(exit.bar.low <= level + 1e-6);
      for (const b of bars.slice(entry.i + 1, exit.i)) assert.ok(b.low > level);
    }
    // P&L by hand: quantity × (exit − entry) less 1 bp of each side's notional.
    const fees = 0.0001 * trade.quantity * (trade.entry_price + trade.exit_price);
    const expected = trade.quantity * (trade.exit_price - trade.entry_price) - fees;
    assert.ok(Math.abs(trade.pnl - expected) < 1e-4, `${trade.pnl} vs ${expected}`);
    pnl += expected;
  }
  assert.equal(result.trades.filter((t) => t.exit_reason === "signal").length, 3);
  assert.ok(Math.abs(result.stats.final_equity - (100_000 + pnl)) < 1e-3);
  assert.equal(result.equity.at(-1)!.equity, result.stats.final_equity);
  assert.equal(result.stats.trades, 9);
  // Buy and hold over the same span: last close ÷ first close.
  const holdPct = (bars.at(-1)!.close / bars[0]!.close - 1) * 100;
  assert.ok(Math.abs(result.stats.buy_and_hold_return_pct! - holdPct) < 1e-3);
});

Deno.test("backtest CLI: prints one JSON object with the same trades", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./main.ts", import.meta.url).pathname,
      "--pipeline",
      example,
      "--csv",
      sp500,
      "--ticker",
      "GSPC",
      "--from",
      "2009-01-01",
      "--cash",
      "50000",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  const result = JSON.parse(new TextDecoder().decode(output.stdout));
  assert.equal(result.from, "2009-01-02");
  assert.equal(result.stats.starting_cash, 50_000);
  assert.deepEqual(
    result.trades.map((t: { entry_date: string }) => t.entry_date),
    ["2009-06-23", "2010-10-22", "2012-01-31", "2015-12-21", "2016-04-25", "2019-04-01"],
  );
  for (const key of ["trades", "stats", "equity"]) assert.ok(key in result, key);
});

Deno.test("README: the paper-trading example pipeline, as written, runs to succeeded", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const block = readme.split("`golden_cross.json`:")[1]!.split("```json")[1]!.split("```")[0]!;
  const pipeline = parsePipelineBody(JSON.parse(block), "README.md");
  assert.deepEqual(pipeline.scanner_tickers, ["AAPL"]);
  // The S&P 500's bars read as AAPL's: the example's ticker, real daily prices.
  const data = await readCsvBars(sp500, { fileTicker: "AAPL" });
  const result = await runBacktest({
    pipeline,
    bars: data.bars,
    scanners: [...scannerRegistry.values()],
    agents: agentRegistry,
    log: getLogger(["tickwire", "test"]),
  });
  assert.deepEqual(result.failures, {});
  assert.equal(result.runs.failed, 0);
  assert.ok(result.runs.succeeded > 0, JSON.stringify(result.runs));
  assert.ok(result.trades.length > 0);
});

Deno.test("backtest: a periodic pipeline runs on its schedule's days, a weekend tick on the bars before it", async () => {
  // Three weeks of weekday bars (2024-03-04 is a Monday); the close is 100 + the bar's index.
  const dates: string[] = [];
  for (let d = Date.parse("2024-03-04"); dates.length < 15; d += 86_400_000) {
    const day = new Date(d);
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) dates.push(day.toISOString().slice(0, 10));
  }
  const bars = dates.map((date, i) => ({
    ticker: "T",
    date,
    open: 100 + i,
    high: 100 + i,
    low: 100 + i,
    close: 100 + i,
    adj_close: 100 + i,
    volume: 1000,
  }));
  const pipeline = (schedule: Record<string, unknown>) =>
    parsePipelineBody({
      name: "weekly buyer",
      trigger_mode: "periodic",
      schedule,
      scanner_tickers: [],
      config: {
        steps: [{
          id: "buy",
          agent: "paper_order",
          params: { ticker: "T", quantity: 1, side: "buy", slippage_bps: 0 },
        }],
      },
    }, "test");
  const backtest = (schedule: Record<string, unknown>) =>
    runBacktest({
      pipeline: pipeline(schedule),
      bars: new Map([["T", bars]]),
      cash: 10_000,
      scanners: [...scannerRegistry.values()],
      agents: agentRegistry,
      log: getLogger(["tickwire", "test"]),
    });

  // Saturdays at noon: 03-09 and 03-16 buy at the Friday closes (104, 109); 03-23 is past the bars.
  const weekly = await backtest({ cron: "0 12 * * 6" });
  assert.deepEqual(weekly.runs, {
    signals: 0,
    ticks: 2,
    succeeded: 2,
    skipped: 0,
    rejected: 0,
    failed: 0,
  });
  assert.equal(weekly.equity.length, 15, "one point per bar day, none for Saturdays");
  const monday = weekly.equity.find((p) => p.date === "2024-03-11")!;
  assert.equal(monday.cash, 10_000 - 104);
  assert.equal(weekly.equity.at(-1)!.cash, 10_000 - 104 - 109);
  assert.deepEqual(
    weekly.trades.map((t) => [t.quantity, t.entry_date, t.entry_price, t.exit_date]),
    [[2, "2024-03-08", (104 + 109) / 2, null]],
  );

  // Every weekday after the close in New York: one run per bar day, at its close.
  const daily = await backtest({ cron: "0 16 * * 1-5", timezone: "America/New_York" });
  assert.equal(daily.runs.ticks, 15);
  assert.equal(daily.equity.at(-1)!.cash, 10_000 - bars.reduce((s, b) => s + b.close, 0));
  // Hourly: still one run a day, as every hour would see the same daily bars.
  assert.equal((await backtest({ every_seconds: 3600 })).runs.ticks, 19, "weekends included");
});
