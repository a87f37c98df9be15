import assert from "node:assert/strict";
import { type SummaryFigure, summaryLine } from "./log_summary.ts";

Deno.test("summaryLine: counts are increases since the last line, gauges are current values", () => {
  const figures: SummaryFigure[] = [
    { label: "signals", read: () => 0, rate: true },
    { label: "claimed", read: () => 0 },
    { label: "lag", read: () => 0, kind: "gauge" },
  ];
  assert.equal(
    summaryLine(figures, [100, 10, 5], [1300, 40, 7], 30),
    "signals 1200 (40/s), claimed 30, lag 7",
  );
});

Deno.test("summaryLine: a first reading with nothing before counts from zero", () => {
  assert.equal(summaryLine([{ label: "runs", read: () => 0 }], [], [3], 10), "runs 3");
});
