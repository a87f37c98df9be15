// The S&P 500's daily bars 2000–2020 from npm vega-datasets, as in replay_test.ts.
import "vega-datasets";
import assert from "node:assert/strict";
import {
  compileExpression,
  evaluateExpression,
  evaluateTail,
} from "../../../shared/expressions/scanner_expression.ts";
import { readCsvBars } from "../../../shared/market/csv_files.ts";
import { detectSignals } from "../detect_signals.ts";
import { expressionScanner } from "./expression_scanner.ts";
import { deathCrossScanner, goldenCrossScanner } from "./moving_average_cross.ts";
import { rsiScanner } from "./rsi_cross.ts";
import type { Scanner } from "./scanner.ts";

const sp500 = new URL("../data/sp500-2000.csv", import.meta.resolve("vega-datasets")).pathname;
const bars = (await readCsvBars(sp500)).bars.get("SP500-2000")!;
const dates = (scanner: Scanner, signal?: string) =>
  detectSignals(bars, [scanner], { priceColumn: "close" })
    .filter((s) => signal === undefined || s.signal === signal)
    .map((s) => s.bar_date);
const expression = (source: string, direction: "BULLISH" | "BEARISH" = "BULLISH") =>
  expressionScanner({
    name: "expr",
    expression: compileExpression(source),
    direction,
    confidence: 70,
  });

Deno.test("expression = built-in: golden and death cross on the S&P 500, 2000–2020", () => {
  const golden = dates(goldenCrossScanner());
  assert.ok(golden.length >= 5, `only ${golden.length} golden crosses`);
  assert.deepEqual(dates(expression("crossover(sma(close,50), sma(close,200))")), golden);
  assert.deepEqual(
    dates(expression("sma(close, 50) crosses below sma(close, 200)", "BEARISH")),
    dates(deathCrossScanner()),
  );
});

Deno.test("expression = built-in: RSI leaving oversold and overbought on the S&P 500", () => {
  const bullish = dates(rsiScanner(), "BULLISH");
  assert.ok(bullish.length >= 10, `only ${bullish.length} RSI signals`);
  assert.deepEqual(dates(expression("crossover(rsi(close,14), 30)")), bullish);
  assert.deepEqual(
    dates(expression("crossunder(rsi(close, 14), 70)", "BEARISH")),
    dates(rsiScanner(), "BEARISH"),
  );
});

Deno.test("expression: a level condition fires on every bar where it holds", () => {
  const fired = dates(
    expression("close > bollinger_upper(close, 20, 2) and volume > sma(volume, 20) * 1.5"),
  );
  const byDate = new Map(bars.map((b, i) => [b.date, i]));
  assert.ok(fired.length > 0);
  for (const date of fired) {
    const i = byDate.get(date)!;
    const window = bars.slice(i - 19, i + 1);
    const mean = window.reduce((a, b) => a + b.close, 0) / 20;
    const sd = Math.sqrt(window.reduce((a, b) => a + (b.close - mean) ** 2, 0) / 20);
    assert.ok(bars[i]!.close > mean + 2 * sd, date);
  }
});

Deno.test("expression, live: the last bar alone fires exactly where the whole window does", () => {
  const sources = [
    "crossover(sma(close,50), sma(close,200))",
    "crossunder(rsi(close, 14), 70)",
    "close > bollinger_upper(close, 20, 2) and volume > sma(volume, 20) * 1.5",
    "macd_line(close, 12, 26, 9) crosses above macd_signal(close, 12, 26, 9)",
    "close >= highest(high, 200) or close <= lowest(low, 50)",
    "abs(close - prev(close, 3)) > atr(14) * 2 and close < sma(close, 5)",
    "highest(sma(close, 10), 30) < prev(close) * bollinger_middle(close, 5, -2) / close",
  ];
  for (const source of sources) {
    const compiled = compileExpression(source);
    // The generator's live scan: a window of the last 1000 bars, asking for its last one; at
    // every bar the whole series fires on, and every 50th bar besides.
    const fired = evaluateExpression(compiled, bars);
    assert.ok(fired.includes(true), `${source} never fires`);
    fired.forEach((fires, i) => {
      if (!fires && i % 50 !== 0) return;
      const window = bars.slice(Math.max(0, i - 999), i + 1);
      const whole = evaluateExpression(compiled, window).at(-1);
      assert.equal(evaluateTail(compiled, window, 1)[0], whole, `${source} at ${bars[i]!.date}`);
    });
    assert.deepEqual(
      evaluateTail(compiled, bars, 300),
      evaluateExpression(compiled, bars).slice(-300),
      source,
    );
  }
});

Deno.test("replay CLI: --expression prints the built-in's JSON lines for the same dates", async () => {
  const run = async (...args: string[]) => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../cli.ts", import.meta.url).pathname, "replay", sp500, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    return new TextDecoder().decode(output.stdout).trim().split("\n").map((l) => JSON.parse(l));
  };
  const builtIn = await run("--scanners", "rsi");
  const expressed = await run("--expression", "crossover(rsi(close,14), 30)", "--name", "rsi");
  const bullish = builtIn.filter((s) => s.signal === "BULLISH");
  assert.deepEqual(expressed.map((s) => s.signal_id), bullish.map((s) => s.signal_id));
  assert.deepEqual(Object.keys(expressed[0]), Object.keys(bullish[0]));
});
