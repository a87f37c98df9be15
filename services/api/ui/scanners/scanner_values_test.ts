import assert from "node:assert/strict";
import { EMPTY_SCANNER, parseScannerValues, scannerValues } from "./scanner_values.ts";

Deno.test("parseScannerValues: tickers split and upper-cased, confidence a number", () => {
  const parsed = parseScannerValues(scannerValues({
    name: "Golden cross",
    tickers: "aapl, msft  nvda",
    expression: "crossover(sma(close, 50), sma(close, 200))",
    direction: "BULLISH",
    confidence: "70",
    is_active: "on",
  }));
  assert.deepEqual(parsed, {
    ok: true,
    body: {
      name: "Golden cross",
      tickers: ["AAPL", "MSFT", "NVDA"],
      expression: "crossover(sma(close, 50), sma(close, 200))",
      direction: "BULLISH",
      confidence: 70,
      is_active: true,
    },
  });
  const blank = parseScannerValues({
    ...EMPTY_SCANNER,
    name: "x",
    tickers: "A",
    expression: "close > 1",
    confidence: "",
  });
  assert.ok(blank.ok);
  assert.equal(blank.body.confidence, 50, "blank confidence takes the default");
});

Deno.test("parseScannerValues: each problem beside its field, the expression's with its column", () => {
  const parsed = parseScannerValues({
    ...EMPTY_SCANNER,
    expression: "crossover(sma(close, 50), foo(close))",
    confidence: "150",
  });
  assert.ok(!parsed.ok);
  assert.equal(parsed.errors.name, "must not be empty");
  assert.equal(parsed.errors.tickers, "must name at least one ticker");
  assert.match(
    parsed.errors.expression ?? "",
    /^Cannot parse expression at column 27: unknown function "foo"/,
  );
  assert.match(parsed.errors.confidence ?? "", /100/);
  assert.equal(parsed.errors.form, undefined);
});
