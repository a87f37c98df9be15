import assert from "node:assert/strict";
import { parseRule } from "./rule_parser.ts";
import { evaluateRule } from "./evaluate_rule.ts";
import { resolvePath } from "./path.ts";

const scope = {
  signal: { ticker: "AAPL", signal: "BULLISH", confidence: 85, price: 190.5 },
  indicators: { rsi14: 58.2, sma50: 180, sma200: 175, atr14: 3.1, bb_upper: null },
};
const check = (expression: string) => evaluateRule(parseRule(expression), scope);

Deno.test("rule: the issue's example", () => {
  assert.equal(check("signal.confidence >= 70 and indicators.rsi14 < 65"), true);
  assert.equal(check("signal.confidence >= 90 and indicators.rsi14 < 65"), false);
});

Deno.test("rule: precedence is not > and > or, parentheses override", () => {
  assert.equal(check("true or false and false"), true);
  assert.equal(check("(true or false) and false"), false);
  assert.equal(check("not false and false"), false);
  assert.equal(check("not (false and false)"), true);
  assert.equal(check("not not true"), true);
});

Deno.test("rule: strings, booleans, null and equality", () => {
  assert.equal(check(`signal.signal == "BULLISH" and signal.ticker != 'MSFT'`), true);
  assert.equal(check("indicators.bb_upper == null"), true);
  assert.equal(check("true == true"), true);
  assert.equal(check(`signal.confidence == "85"`), false);
  assert.equal(check(`"abc" < "abd"`), true);
});

Deno.test("rule: arithmetic with the usual precedence", () => {
  assert.equal(check("indicators.sma50 > indicators.sma200 * 1.02"), true);
  assert.equal(check("1 + 2 * 3 == 7"), true);
  assert.equal(check("(1 + 2) * 3 == 9"), true);
  assert.equal(check("-signal.price < 0"), true);
  assert.equal(check("10 - 2 - 3 == 5"), true);
  assert.equal(check("1.5e2 == 150"), true);
});

Deno.test("rule: null makes ordering false and arithmetic null", () => {
  assert.equal(check("indicators.bb_upper > 1"), false);
  assert.equal(check("indicators.bb_upper < 1"), false);
  assert.equal(check("indicators.bb_upper + 1 == null"), true);
  assert.equal(check("1 / 0 == null"), true);
});

Deno.test("rule: syntax errors name the column and what was found", () => {
  const cases: [string, RegExp][] = [
    ["", /column 1: expected an expression, found the end/],
    ["signal.confidence >=", /column 21: expected a number, .* found the end/],
    ["signal.confidence >= 70 and", /column 28: expected .*found the end/],
    ["(true", /column 6: expected "\)", found the end/],
    ["true true", /column 6: expected "and", "or" or an operator, found "true"/],
    ["signal.confidence = 70", /column 19: unexpected "="; use "=="/],
    ["signal.confidence > 70 && true", /column 24: unexpected "&"; use "and"/],
    ["!true", /column 1: unexpected "!"; use "not"/],
    ["'open", /column 1: string is not closed/],
    ["signal. confidence", /column 7: expected a name after "signal\."/],
    ["1 < 2 < 3", /column 7: expected "and", "or" or an operator, found "<"/],
    ["and", /column 1: expected a number, .* found "and"/],
  ];
  for (const [source, message] of cases) {
    assert.throws(() => parseRule(source), (e: Error) => {
      assert.ok(e instanceof SyntaxError, source);
      assert.match(e.message, /^Cannot parse rule/, source);
      assert.match(e.message, message, source);
      return true;
    });
  }
});

Deno.test("rule: type errors and unknown paths are clear", () => {
  assert.throws(
    () => check("signal.confidence"),
    /Rule must be true or false, but it is number 85/,
  );
  assert.throws(
    () => check("signal.confidence and true"),
    /"and" at column 19 needs true or false/,
  );
  assert.throws(() => check(`signal.ticker > 5`), /"\>" at column 15 compares string "AAPL"/);
  assert.throws(() => check(`signal.ticker * 2 > 1`), /"\*" at column 15 needs a number/);
  assert.throws(
    () => check("indicators.rsi41 < 65"),
    /Unknown path "indicators.rsi41": indicators has no "rsi41" \(it has: rsi14, /,
  );
  assert.throws(() => check("signal > 1"), /"signal" at column 1 is an object/);
});

Deno.test("rule: paths never reach the prototype", () => {
  assert.throws(() => check("signal.constructor == null"), /signal has no "constructor"/);
  assert.throws(() => check("signal.__proto__ == null"), /signal has no "__proto__"/);
});

Deno.test("rule: short-circuit skips the right side", () => {
  assert.equal(check("false and missing.path > 1"), false);
  assert.equal(check("true or missing.path > 1"), true);
});

Deno.test("path: resolves nested values and arrays, null passes through", () => {
  assert.equal(resolvePath({ a: { b: [10, 20] } }, "a.b.1"), 20);
  assert.equal(resolvePath({ a: null }, "a.b.c"), null);
  assert.throws(() => resolvePath({ a: 1 }, "a.b"), /Unknown path "a.b": a has no "b" \(it is 1\)/);
});
