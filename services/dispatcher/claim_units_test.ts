import assert from "node:assert/strict";
import { claimUnits } from "./claim_units.ts";
import { deadLettersOf } from "./dead_letter.ts";
import { decodeMessage } from "./decoded_message.ts";
import type { MatchablePipeline } from "./match.ts";
import { PipelineIndex } from "./pipeline_index.ts";
import { planBatch, rejectionLogRow } from "./plan.ts";

const now = Date.parse("2025-01-02T15:00:00Z");
const aapl = { ticker: "AAPL", signal: "BULLISH", confidence: 85 };
const message = (offset: number, value: unknown) =>
  decodeMessage("signals", 0, {
    offset: String(offset),
    timestamp: String(now - 1000),
    key: null,
    value: new TextEncoder().encode(JSON.stringify(value)),
  }, now);

Deno.test("claim units: one per signal with its requests and log row, one per rejection", () => {
  const messages = [
    message(1, { tickers: [aapl, { ...aapl, confidence: 101 }, { ...aapl, signal_id: "own" }] }),
    message(2, { ...aapl, ticker: "MSFT" }),
  ];
  const pipeline = (id: string): MatchablePipeline => ({
    id,
    ownerId: "u1",
    listenTo: null,
    tickers: ["AAPL"],
    overlapPolicy: "allow",
    filter: null,
    maxSignalAgeSeconds: null,
  });
  const index = PipelineIndex.of([pipeline("p1"), pipeline("p2")]);
  const plan = planBatch(messages, index, now);
  const rejections = messages.flatMap((m) =>
    deadLettersOf(m).map((l) => rejectionLogRow(l, m.receivedAtMs, now))
  );
  const units = claimUnits(messages, plan, [...plan.log, ...rejections]);
  assert.deepEqual(
    units.map((u) => [
      u.message.offset,
      u.index,
      u.signal?.signal_id ?? u.signal?.ticker ?? null,
      u.requests.map((r) => r.pipeline_id).sort(),
      u.log.length,
    ]),
    [
      ["1", 0, "AAPL", ["p1", "p2"], 1],
      ["1", 2, "own", ["p1", "p2"], 1],
      ["2", 0, "MSFT", [], 1],
      ["1", 1, null, [], 1],
    ],
  );
});
