/**
 * Matching rules, pure: does one signal trigger one pipeline? Ticker, `is_active` and
 * `trigger_mode` are settled by the index (only active signal-mode pipelines are in it, listed
 * under their tickers); this decides the pipeline's `signal_filter` and `max_signal_age_seconds`.
 */
import type { ListenTo, OverlapPolicy, SignalFilter } from "../../shared/schemas/pipeline.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import { meetsConditions } from "../../shared/schemas/signal_conditions.ts";

/** What the dispatcher keeps of an active signal-mode pipeline. */
export interface MatchablePipeline {
  id: string;
  ownerId: string;
  /** Which scopes and sources it hears; null: public and all of its owner's. */
  listenTo: ListenTo | null;
  /** Upper-cased, de-duplicated `scanner_tickers`. */
  tickers: readonly string[];
  overlapPolicy: OverlapPolicy;
  filter: SignalFilter | null;
  maxSignalAgeSeconds: number | null;
}

/** The outcome for one (signal, pipeline) pair whose ticker matched. */
export type SignalDecision = "matched" | "filtered" | "stale";

/**
 * Decides one pair. Every condition of the filter must hold (see signal_conditions.ts). A signal older than `maxSignalAgeSeconds` (from `emittedAtMs`) is stale.
 */
export function decideSignal(
  pipeline: MatchablePipeline,
  signal: TickerSignal,
  emittedAtMs: number,
  nowMs: number,
): SignalDecision {
  if (pipeline.filter && !meetsConditions(pipeline.filter, signal)) return "filtered";
  const maxAge = pipeline.maxSignalAgeSeconds;
  if (maxAge !== null && nowMs - emittedAtMs > maxAge * 1000) return "stale";
  return "matched";
}
