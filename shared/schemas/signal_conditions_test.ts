import assert from "node:assert/strict";
import {
  meetsConditions,
  type SignalConditions,
  signalConditionsSchema,
  unmetConditions,
} from "./signal_conditions.ts";
import type { TickerSignal } from "./signal.ts";

const signal: TickerSignal = { ticker: "AAPL", signal: "BULLISH", confidence: 60, scanner: "rsi" };

Deno.test("signal conditions: the filter's yes/no and the gate's reasons never disagree", () => {
  const cases: [SignalConditions, TickerSignal, number][] = [
    [{}, signal, 0],
    [{ signals: ["BULLISH"], min_confidence: 60, max_confidence: 60 }, signal, 0],
    [{ signals: ["BEARISH"] }, signal, 1],
    [{ min_confidence: 61, max_confidence: 59 }, signal, 2],
    [{ scanners: ["rsi"] }, { ...signal, scanner: undefined }, 1],
    [{ scanners: ["macd"], max_confidence: 10 }, signal, 2],
  ];
  for (const [conditions, s, unmet] of cases) {
    assert.equal(unmetConditions(conditions, s).length, unmet, JSON.stringify(conditions));
    assert.equal(meetsConditions(conditions, s), unmet === 0, JSON.stringify(conditions));
  }
});

Deno.test("signal conditions: max_confidence below min_confidence is rejected", () => {
  const parsed = signalConditionsSchema.safeParse({ min_confidence: 70, max_confidence: 20 });
  assert.equal(parsed.success, false);
  assert.deepEqual(parsed.error?.issues.map((i) => i.path), [["max_confidence"]]);
});
