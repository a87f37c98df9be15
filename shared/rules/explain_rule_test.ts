import assert from "node:assert/strict";
import { falseClause, printRule } from "./explain_rule.ts";
import { parseRule } from "./rule_parser.ts";

const scope = {
  signal: { signal: "BULLISH", confidence: 80 },
  indicators: { sma50: 105, sma200: 100, rsi14: 74.2 },
};

Deno.test("explain rule: the false side of an `and`, with the values of its paths", () => {
  const rule = parseRule(
    "signal.confidence >= 60 and indicators.sma50 > indicators.sma200 and indicators.rsi14 < 70",
  );
  assert.equal(falseClause(rule, scope), "indicators.rsi14 < 70 (indicators.rsi14 = 74.2)");
  assert.equal(
    falseClause(parseRule("signal.confidence >= 90 and indicators.rsi14 < 70"), scope),
    "signal.confidence >= 90 (signal.confidence = 80)",
  );
});

Deno.test("explain rule: an `or` or `not` is named whole; arithmetic keeps its parentheses", () => {
  assert.equal(
    falseClause(parseRule('signal.signal == "BEARISH" or indicators.rsi14 > 80'), scope),
    'signal.signal == "BEARISH" or indicators.rsi14 > 80 ' +
      '(signal.signal = "BULLISH", indicators.rsi14 = 74.2)',
  );
  assert.equal(
    printRule(parseRule("(indicators.sma50 - indicators.sma200) / 2 > 3 and not (1 > 2 or true)")),
    "(indicators.sma50 - indicators.sma200) / 2 > 3 and not (1 > 2 or true)",
  );
});
