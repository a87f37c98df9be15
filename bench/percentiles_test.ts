import assert from "node:assert/strict";
import { latencySummary, median, percentile } from "./percentiles.ts";

Deno.test("percentile takes the nearest rank", () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.equal(percentile(values, 50), 50);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
  assert.equal(percentile(values, 0), 1);
});

Deno.test("median of an odd count is the middle value", () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.ok(Number.isNaN(median([])));
});

Deno.test("latencySummary rounds to 0.1 ms", () => {
  assert.deepEqual(latencySummary([1.234, 2.345, 3.456]), {
    p50_ms: 2.3,
    p95_ms: 3.5,
    p99_ms: 3.5,
    samples: 3,
  });
});
