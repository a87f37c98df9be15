import assert from "node:assert/strict";
import type { Bar } from "../market/bar.ts";
import { compileExpression, evaluateExpression } from "./scanner_expression.ts";

const bars: Bar[] = [10, 11, 12, 11, 10, 9, 10, 12].map((close, i) => ({
  ticker: "T",
  date: `2025-01-0${i + 1}`,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  adj_close: close * 2,
  volume: 100 * (i + 1),
}));
const run = (source: string, column: "close" | "adj_close" = "close") =>
  evaluateExpression(compileExpression(source), bars, column).flatMap((v, i) => (v ? [i] : []));

Deno.test("expression: arithmetic, comparisons, prev, highest and the price column", () => {
  assert.deepEqual(run("close > prev(close)"), [1, 2, 6, 7]);
  assert.deepEqual(run("close >= highest(close, 3)"), [2, 6, 7]);
  assert.deepEqual(run("not (close < 11) and volume / 100 > 2"), [2, 3, 7]);
  assert.deepEqual(run("close > 20"), []);
  assert.deepEqual(run("close > 20", "adj_close"), [1, 2, 3, 7]);
  assert.deepEqual(run("close crosses above sma(close, 2)"), [6]);
  assert.deepEqual(run("crossunder(close, 11.5)"), [3]);
});

Deno.test("expression: pointed errors with the column and what was expected", () => {
  const error = (source: string) => {
    try {
      compileExpression(source);
      return "";
    } catch (e) {
      assert.ok(e instanceof SyntaxError);
      return e.message;
    }
  };
  assert.equal(
    error("crossover(sma(close, 50) sma(close, 200))"),
    'Cannot parse expression at column 26: expected "," or ")", found "sma"',
  );
  assert.equal(
    error("close >"),
    'Cannot parse expression at column 8: expected a number, string, true, false, null, a path or "(", found the end',
  );
  assert.match(
    error("smaa(close, 5) > 1"),
    /^Cannot parse expression at column 1: unknown function "smaa"; expected one of sma, ema, rsi/,
  );
  assert.equal(
    error("sma(closee, 5) > 1"),
    'Cannot use expression at column 5: unknown name "closee"; expected one of open, high, low, close, adj_close, volume',
  );
  assert.equal(
    error("sma(close) > 1"),
    "Cannot use expression at column 1: sma(series, period) takes 2 arguments, got 1",
  );
  assert.equal(
    error("sma(close, 2.5) > 1"),
    'Cannot use expression at column 1: argument "period" of sma(series, period) must be a whole number from 1 to 1000, not 2.5',
  );
  assert.equal(
    error("sma(close, volume) > 1"),
    'Cannot use expression at column 1: argument "period" of sma(series, period) must be a constant number',
  );
  assert.match(error("sma(close, 5)"), /is a number, not a condition/);
  assert.match(
    error("close crosses sma(close, 5)"),
    /at column 15: expected "above" or "below" after "crosses"/,
  );
  assert.match(error("close and true"), /at column 7: "and" needs booleans on both sides/);
  assert.match(error('close > "x"'), /"x" is not a number/);
  const costly = Array.from({ length: 6 }, () => "close > bollinger_upper(close, 1000)").join(
    " or ",
  );
  assert.match(error(costly), /costs 60\d\d per bar, more than 5000/);
});
