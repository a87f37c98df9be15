import assert from "node:assert/strict";
import { agentContext } from "../../tests/fixtures/agent_context.ts";
import { NonRetryableError } from "./errors.ts";
import { ruleAgent, ruleParams } from "./rule.ts";

// The rule agent touches no database.
const ctx = agentContext(undefined as never, "u1", {
  signal: { ticker: "AAPL", signal: "BULLISH", confidence: 85 },
  outputs: { indicators: { rsi14: 58.2, sma50: 180, sma200: 175 } },
});
const run = (expression: string) => ruleAgent.run(ruleParams.parse({ expression }), ctx);

Deno.test("rule agent: a true expression continues the run", async () => {
  const result = await run("signal.confidence >= 70 and indicators.rsi14 < 65");
  assert.deepEqual(result, {
    output: { passed: true, expression: "signal.confidence >= 70 and indicators.rsi14 < 65" },
  });
});

Deno.test("rule agent: a false rule halts naming the clause that was false, with its values", async () => {
  const either = `signal.signal == "BEARISH" or indicators.sma50 < indicators.sma200`;
  const result = await run(either);
  assert.ok("halt" in result);
  const values = `signal.signal = "BULLISH", indicators.sma50 = 180, indicators.sma200 = 175`;
  assert.equal(result.halt.reason, `Rule is false: ${either} (${values})`);
  assert.deepEqual(result.output, {
    passed: false,
    expression: either,
    false_clause: `${either} (${values})`,
  });
  const both = await run(`indicators.sma50 > indicators.sma200 and signal.signal == "BEARISH"`);
  assert.ok("halt" in both);
  assert.equal(
    both.halt.reason,
    `Rule is false: signal.signal == "BEARISH" (signal.signal = "BULLISH")`,
  );
});

Deno.test("rule agent: params reject an expression that does not parse, with its column", () => {
  const parsed = ruleParams.safeParse({ expression: "signal.confidence >= and" });
  assert.equal(parsed.success, false);
  assert.match(parsed.error!.issues[0]!.message, /Cannot parse rule at column 22: expected a/);
  assert.deepEqual(parsed.error!.issues[0]!.path, ["expression"]);
});

Deno.test("rule agent: an unknown path or a type error fails without retries", async () => {
  await assert.rejects(
    run("indicators.rsi41 < 65"),
    (e: Error) =>
      e instanceof NonRetryableError &&
      e.message ===
        `Rule "indicators.rsi41 < 65" cannot be evaluated: Unknown path "indicators.rsi41": ` +
          `indicators has no "rsi41" (it has: rsi14, sma50, sma200)`,
  );
  await assert.rejects(run("signal.ticker > 3"), NonRetryableError);
});
