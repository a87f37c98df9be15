import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { signalGateAgent, signalGateParams } from "./signal_gate.ts";
import { unmetConditions } from "../schemas/signal_conditions.ts";
import type { AgentContext } from "./agent.ts";
import type { TickerSignal } from "../schemas/signal.ts";

const signal: TickerSignal = {
  ticker: "AAPL",
  signal: "BULLISH",
  confidence: 72,
  scanner: "golden_cross",
};
const params = (p: unknown) => signalGateParams.parse(p);

Deno.test("signal_gate: a signal meeting every condition passes", () => {
  assert.deepEqual(
    unmetConditions(
      params({
        signals: ["BULLISH"],
        min_confidence: 70,
        max_confidence: 80,
        scanners: ["golden_cross"],
      }),
      signal,
    ),
    [],
  );
  assert.deepEqual(unmetConditions(params({}), null), []);
});

Deno.test("signal_gate: each unmet condition is named", () => {
  assert.deepEqual(
    unmetConditions(
      params({ signals: ["BEARISH"], min_confidence: 80, scanners: ["rsi", "macd"] }),
      signal,
    ),
    [
      'signal "BULLISH" is not one of BEARISH',
      "confidence 72 is below 80",
      'scanner "golden_cross" is not one of rsi, macd',
    ],
  );
  assert.deepEqual(unmetConditions(params({ max_confidence: 50 }), signal), [
    "confidence 72 is above 50",
  ]);
  assert.deepEqual(
    unmetConditions(params({ scanners: ["rsi"] }), { ...signal, scanner: undefined }),
    [
      'scanner "(none)" is not one of rsi',
    ],
  );
  assert.deepEqual(unmetConditions(params({ min_confidence: 1 }), null), [
    "the run has no triggering signal",
  ]);
});

Deno.test("signal_gate: params reject an inverted confidence range", () => {
  assert.equal(
    signalGateParams.safeParse({ min_confidence: 90, max_confidence: 10 }).success,
    false,
  );
  assert.equal(signalGateParams.safeParse({ unknown: 1 }).success, false);
});

Deno.test("signal_gate: an unmet condition halts the run with the reason", async () => {
  const ctx = { signal, abort: new AbortController().signal, log: getLogger(["test"]) };
  const halted = await signalGateAgent.run(params({ min_confidence: 90 }), ctx as AgentContext);
  assert.ok("halt" in halted);
  assert.equal(halted.halt.reason, "Signal gate: confidence 72 is below 90");
  const passed = await signalGateAgent.run(params({ min_confidence: 50 }), ctx as AgentContext);
  assert.equal("halt" in passed, false);
  assert.deepEqual(passed.output, { passed: true, unmet: [] });
});
