import assert from "node:assert/strict";
import { PipelineIndex, type PipelineRow, toMatchablePipeline } from "./pipeline_index.ts";

const row = (fields: Partial<PipelineRow> = {}): PipelineRow => ({
  id: "p1",
  owner_id: "u1",
  listen_to: null,
  trigger_mode: "signal",
  is_active: true,
  scanner_tickers: ["aapl", "MSFT", "AAPL"],
  signal_filter: null,
  max_signal_age_seconds: null,
  overlap_policy: "skip",
  ...fields,
});

Deno.test("pipeline index: only active signal-mode pipelines are matchable", () => {
  assert.equal(toMatchablePipeline(row({ is_active: false })), null);
  assert.equal(toMatchablePipeline(row({ trigger_mode: "periodic" })), null);
  assert.deepEqual(toMatchablePipeline(row())?.tickers, ["AAPL", "MSFT"]);
});

Deno.test("pipeline index: a malformed stored filter is refused with the pipeline named", () => {
  assert.throws(
    () => toMatchablePipeline(row({ signal_filter: { min_confidence: "high" } as never })),
    /Cannot index pipeline "p1": field "signal_filter"/,
  );
});

Deno.test("pipeline index: inverted by ticker, upsert replaces, remove forgets", () => {
  const a = toMatchablePipeline(row({ id: "a" }))!;
  const b = toMatchablePipeline(row({ id: "b", scanner_tickers: ["MSFT"] }))!;
  const index = PipelineIndex.of([a, b]);
  assert.deepEqual(index.forTicker("AAPL").map((p) => p.id), ["a"]);
  assert.deepEqual(index.forTicker("MSFT").map((p) => p.id), ["a", "b"]);
  assert.deepEqual(index.forTicker("NVDA"), []);

  index.upsert(toMatchablePipeline(row({ id: "a", scanner_tickers: ["NVDA"] }))!);
  assert.deepEqual(index.forTicker("AAPL"), []);
  assert.deepEqual(index.forTicker("MSFT").map((p) => p.id), ["b"]);
  assert.deepEqual(index.forTicker("NVDA").map((p) => p.id), ["a"]);

  assert.equal(index.remove("b"), true);
  assert.equal(index.remove("b"), false);
  assert.deepEqual(index.forTicker("MSFT"), []);
  assert.equal(index.size, 1);
});

Deno.test("pipeline index: pipelines on the same tickers share one ticker list", () => {
  const index = PipelineIndex.of(
    ["a", "b"].map((id) => toMatchablePipeline(row({ id, scanner_tickers: ["aapl", "MSFT"] }))!),
  );
  const [a, b] = [index.get("a")!, index.get("b")!];
  assert.equal(a.tickers, b.tickers);
  assert.deepEqual(a.tickers, ["AAPL", "MSFT"]);
  assert.ok(Object.isFrozen(a.tickers));
  assert.equal(a.ownerId, "u1");
});
