/**
 * Matching rules, pure: does one signal trigger one pipeline? Ticker, `is_active` and
 * `trigger_mode` are settled by the index (only active signal-mode pipelines are in it, listed
 * under their tickers); this decides the pipeline's `signal_filter` and `max_signal_age_seconds`.
 */
import type { OverlapPolicy, SignalFilter } from "../../shared/schemas/pipeline.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";

/** What the dispatcher keeps of an active signal-mode pipeline. */
export interface MatchablePipeline {
  id: string;
  /** Upper-cased, de-duplicated `scanner_tickers`. */
  tickers: readonly string[];
  overlapPolicy: OverlapPolicy;
  filter: SignalFilter | null;
  maxSignalAgeSeconds: number | null;
}

/** The outcome for one (signal, pipeline) pair whose ticker matched. */
export type SignalDecision = "matched" | "filtered" | "stale";

/**
 * Decides one pair. Every key of the filter must hold; a filter on scanners rejects a signal
 * without a scanner. A signal older than `maxSignalAgeSeconds` (from `emittedAtMs`) is stale.
 */
export function decideSignal(
  pipeline: MatchablePipeline,
  signal: TickerSignal,
  emittedAtMs: number,
  nowMs: number,
): SignalDecision {
  const filter = pipeline.filter;
  if (filter) {
    if (filter.signals && !filter.signals.includes(signal.signal)) return "filtered";
    if (filter.min_confidence !== undefined && signal.confidence < filter.min_confidence) {
      return "filtered";
    }
    if (filter.scanners && (!signal.scanner || !filter.scanners.includes(signal.scanner))) {
      return "filtered";
    }
  }
  const maxAge = pipeline.maxSignalAgeSeconds;
  if (maxAge !== null && nowMs - emittedAtMs > maxAge * 1000) return "stale";
  return "matched";
}
