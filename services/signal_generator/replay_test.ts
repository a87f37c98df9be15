// The real data: vega-datasets ships the S&P 500's daily bars 2000-01-03 … 2020-04-17 in Yahoo's
// layout (header `date,open,high,low,close,adjclose,volume`). Importing the package makes Deno
// fetch it through npm, so its file can be found next to the module; nothing is committed here.
import "vega-datasets";
import assert from "node:assert/strict";
import { readCsvBars } from "../../shared/market/csv_files.ts";
import { parseSignalMessage } from "../../shared/schemas/signal.ts";
import { replaySignals } from "./replay.ts";
import { scannerRegistry } from "./scanners/registry.ts";

const sp500 = new URL("../data/sp500-2000.csv", import.meta.resolve("vega-datasets")).pathname;
const allScanners = [...scannerRegistry.values()];

Deno.test("replay: S&P 500 daily 2000–2020 gives the well-known golden and death crosses", async () => {
  const data = await readCsvBars(sp500);
  assert.deepEqual(data.problems, []);
  const bars = data.bars.get("SP500-2000")!;
  assert.equal(bars.length, 5105);
  const signals = replaySignals(data.bars, { scanners: allScanners, priceColumn: "close" });
  const crosses = signals.filter((s) =>
    s.scanner === "golden_cross" || s.scanner === "death_cross"
  );
  const dates = crosses.map((s) => `${s.bar_date} ${s.scanner}`);
  // Crosses reported in the press at the time: July 2010, August 2011, December 2018, March 2020.
  for (
    const known of [
      "2010-07-02 death_cross",
      "2011-08-12 death_cross",
      "2018-12-07 death_cross",
      "2019-04-01 golden_cross",
      "2020-03-30 death_cross",
    ]
  ) assert.ok(dates.includes(known), `${known} missing from ${dates.join(", ")}`);
  crosses.forEach((s, i) => {
    if (i > 0) assert.notEqual(s.scanner, crosses[i - 1]!.scanner, "crosses must alternate");
    assert.equal(s.signal, s.scanner === "golden_cross" ? "BULLISH" : "BEARISH");
  });
  const ids = new Set(signals.map((s) => s.signal_id));
  assert.equal(ids.size, signals.length, "signal ids are unique");
  for (const scanner of ["rsi", "macd", "bollinger"]) {
    assert.ok(signals.some((s) => s.scanner === scanner), `no ${scanner} signal in 20 years`);
  }
  for (const s of signals) {
    const envelope = { version: 1, tickers: [{ ...s, ticker: "SPX" }] };
    assert.ok(parseSignalMessage(JSON.stringify(envelope)).ok, JSON.stringify(s));
  }
  const closeOnDate = new Map(bars.map((b) => [b.date, b.close]));
  assert.ok(signals.every((s) => closeOnDate.get(s.bar_date) === s.price));
});

Deno.test("replay CLI: one JSON object per line, the same signals as the library", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./cli.ts", import.meta.url).pathname,
      "replay",
      sp500,
      "--scanners",
      "golden_cross,death_cross,rsi",
      "--price-column",
      "adj_close",
      "--ticker",
      "sp500-2000",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  const data = await readCsvBars(sp500);
  const expected = replaySignals(data.bars, {
    scanners: [
      scannerRegistry.get("golden_cross")!,
      scannerRegistry.get("death_cross")!,
      scannerRegistry.get("rsi")!,
    ],
    priceColumn: "adj_close",
  });
  assert.deepEqual(
    lines,
    expected.map((s) => ({
      bar_date: s.bar_date,
      ticker: s.ticker,
      signal: s.signal,
      scanner: s.scanner,
      confidence: s.confidence,
      price: s.price,
      signal_id: s.signal_id,
    })),
  );
  assert.match(stderr, new RegExp(`^${expected.length} signals from 5105 bars of 1 ticker`, "m"));
});

Deno.test("replay CLI: damaged rows are reported with file and line; a bad path exits 1", async () => {
  const run = (...args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./cli.ts", import.meta.url).pathname, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
  const damaged = new URL("../../tests/data/market/damaged.csv", import.meta.url).pathname;
  const ok = await run("replay", damaged);
  const stderr = new TextDecoder().decode(ok.stderr);
  assert.equal(ok.code, 0, stderr);
  assert.match(stderr, /damaged\.csv:4: field "close" is "-3": must be a positive number/);
  assert.match(stderr, /0 signals from 2 bars of 1 ticker\(s\) in 1 file\(s\); 7 bad rows skipped/);
  const missing = await run("replay", "/nonexistent/x.csv");
  assert.equal(missing.code, 1);
  assert.match(new TextDecoder().decode(missing.stderr), /Cannot read market data/);
  const usage = await run("replay");
  assert.equal(usage.code, 2);
  assert.match(new TextDecoder().decode(usage.stderr), /Missing <csv-file-or-dir>[\s\S]*Usage:/);
});
