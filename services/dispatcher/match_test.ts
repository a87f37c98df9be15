import assert from "node:assert/strict";
import { decideSignal, type MatchablePipeline } from "./match.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";

const pipeline = (fields: Partial<MatchablePipeline> = {}): MatchablePipeline => ({
  id: "p1",
  ownerId: "u1",
  listenTo: null,
  tickers: ["AAPL"],
  overlapPolicy: "skip",
  filter: null,
  maxSignalAgeSeconds: null,
  ...fields,
});
const signal: TickerSignal = {
  ticker: "AAPL",
  signal: "BULLISH",
  confidence: 85,
  scanner: "golden_cross",
};
const now = Date.parse("2025-01-02T15:00:00Z");

Deno.test("match: no filter and no age limit matches", () => {
  assert.equal(decideSignal(pipeline(), signal, now - 86_400_000, now), "matched");
});

Deno.test("match: signal types filter", () => {
  const p = pipeline({ filter: { signals: ["BEARISH"] } });
  assert.equal(decideSignal(p, signal, now, now), "filtered");
  assert.equal(decideSignal(p, { ...signal, signal: "BEARISH" }, now, now), "matched");
});

Deno.test("match: min_confidence is inclusive", () => {
  const p = pipeline({ filter: { min_confidence: 85 } });
  assert.equal(decideSignal(p, signal, now, now), "matched");
  assert.equal(decideSignal(p, { ...signal, confidence: 84.9 }, now, now), "filtered");
});

Deno.test("match: scanners filter rejects other scanners and signals without one", () => {
  const p = pipeline({ filter: { scanners: ["rsi", "golden_cross"] } });
  assert.equal(decideSignal(p, signal, now, now), "matched");
  assert.equal(decideSignal(p, { ...signal, scanner: "macd" }, now, now), "filtered");
  const { scanner: _scanner, ...bare } = signal;
  assert.equal(decideSignal(p, bare, now, now), "filtered");
});

Deno.test("match: every filter key must hold", () => {
  const p = pipeline({ filter: { signals: ["BULLISH"], min_confidence: 90 } });
  assert.equal(decideSignal(p, signal, now, now), "filtered");
  assert.equal(decideSignal(p, { ...signal, confidence: 95 }, now, now), "matched");
});

Deno.test("match: max_signal_age_seconds skips stale signals, the boundary is still fresh", () => {
  const p = pipeline({ maxSignalAgeSeconds: 60 });
  assert.equal(decideSignal(p, signal, now - 60_000, now), "matched");
  assert.equal(decideSignal(p, signal, now - 60_001, now), "stale");
});

Deno.test("match: a filtered signal reports filtered even when it is also stale", () => {
  const p = pipeline({ filter: { min_confidence: 99 }, maxSignalAgeSeconds: 1 });
  assert.equal(decideSignal(p, signal, now - 3_600_000, now), "filtered");
});
