/**
 * Conditions on a signal, one model for a pipeline's `signal_filter` (the dispatcher's matching)
 * and the `signal_gate` agent (a step): every key optional, all given keys must hold.
 */
import { z } from "../zod.ts";
import { SIGNAL_TYPES, type TickerSignal } from "./signal.ts";

const confidence = z.number().min(0).max(100);

/** The conditions; `scanners` rejects a signal without a scanner. */
export const signalConditionsSchema = z.object({
  signals: z.array(z.enum(SIGNAL_TYPES)).min(1).optional(),
  min_confidence: confidence.optional(),
  max_confidence: confidence.optional(),
  scanners: z.array(z.string().min(1).max(64)).min(1).optional(),
}).strict().refine(
  (c) =>
    c.min_confidence === undefined || c.max_confidence === undefined ||
    c.min_confidence <= c.max_confidence,
  { message: "min_confidence must not exceed max_confidence", path: ["max_confidence"] },
);
export type SignalConditions = z.infer<typeof signalConditionsSchema>;

/** Each condition once: whether it holds, and the sentence that says why not. */
const CONDITIONS: {
  holds(c: SignalConditions, s: TickerSignal): boolean;
  unmet(c: SignalConditions, s: TickerSignal): string;
}[] = [
  {
    holds: (c, s) => !c.signals || c.signals.includes(s.signal),
    unmet: (c, s) => `signal "${s.signal}" is not one of ${c.signals!.join(", ")}`,
  },
  {
    holds: (c, s) => c.min_confidence === undefined || s.confidence >= c.min_confidence,
    unmet: (c, s) => `confidence ${s.confidence} is below ${c.min_confidence}`,
  },
  {
    holds: (c, s) => c.max_confidence === undefined || s.confidence <= c.max_confidence,
    unmet: (c, s) => `confidence ${s.confidence} is above ${c.max_confidence}`,
  },
  {
    holds: (c, s) => !c.scanners || (s.scanner !== undefined && c.scanners.includes(s.scanner)),
    unmet: (c, s) => `scanner "${s.scanner ?? "(none)"}" is not one of ${c.scanners!.join(", ")}`,
  },
];

/** Whether `signal` meets every condition (the dispatcher's hot path: builds no text). */
export function meetsConditions(conditions: SignalConditions, signal: TickerSignal): boolean {
  return CONDITIONS.every((c) => c.holds(conditions, signal));
}

/**
 * The conditions `signal` fails, as sentences; empty when it meets them all. No signal (a periodic
 * or manual run) fails any condition at all.
 */
export function unmetConditions(
  conditions: SignalConditions,
  signal: TickerSignal | null,
): string[] {
  if (signal === null) {
    const given = Object.values(conditions).some((v) => v !== undefined);
    return given ? ["the run has no triggering signal"] : [];
  }
  return CONDITIONS.filter((c) => !c.holds(conditions, signal)).map((c) =>
    c.unmet(conditions, signal)
  );
}
