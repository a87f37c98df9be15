/** Percentiles and medians of measured samples, pure. */

/** Nearest-rank percentile `p` (0–100) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The median (50th percentile, nearest rank). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** p50, p95 and p99 in ms, rounded to 0.1 ms. */
export function latencySummary(valuesMs: readonly number[]) {
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    p50_ms: r(percentile(valuesMs, 50)),
    p95_ms: r(percentile(valuesMs, 95)),
    p99_ms: r(percentile(valuesMs, 99)),
    samples: valuesMs.length,
  };
}
