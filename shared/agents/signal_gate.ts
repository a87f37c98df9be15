/**
 * `signal_gate`: lets the run continue only when the triggering signal meets every condition;
 * otherwise the run ends as "skipped" with the unmet conditions as its reason.
 *
 * @example {"id": "gate", "agent": "signal_gate", "params": {"signals": ["BULLISH"], "min_confidence": 70}}
 */
import { z } from "zod";
import { defineAgent } from "./agent.ts";
import { SIGNAL_TYPES, type TickerSignal } from "../schemas/signal.ts";

const confidence = z.number().min(0).max(100);

/** The gate's conditions; every key optional, all given keys must hold. */
export const signalGateParams = z.object({
  signals: z.array(z.enum(SIGNAL_TYPES)).min(1).optional(),
  min_confidence: confidence.optional(),
  max_confidence: confidence.optional(),
  scanners: z.array(z.string().min(1).max(64)).min(1).optional(),
}).strict().refine(
  (p) =>
    p.min_confidence === undefined || p.max_confidence === undefined ||
    p.min_confidence <= p.max_confidence,
  { message: "min_confidence must not exceed max_confidence", path: ["max_confidence"] },
);
export type SignalGateParams = z.infer<typeof signalGateParams>;

/** The conditions `signal` fails, as sentences; empty when it passes. */
export function unmetConditions(params: SignalGateParams, signal: TickerSignal | null): string[] {
  const conditions = Object.values(params).filter((v) => v !== undefined).length;
  if (signal === null) return conditions > 0 ? ["the run has no triggering signal"] : [];
  const unmet: string[] = [];
  if (params.signals && !params.signals.includes(signal.signal)) {
    unmet.push(`signal "${signal.signal}" is not one of ${params.signals.join(", ")}`);
  }
  if (params.min_confidence !== undefined && signal.confidence < params.min_confidence) {
    unmet.push(`confidence ${signal.confidence} is below ${params.min_confidence}`);
  }
  if (params.max_confidence !== undefined && signal.confidence > params.max_confidence) {
    unmet.push(`confidence ${signal.confidence} is above ${params.max_confidence}`);
  }
  if (params.scanners && !(signal.scanner && params.scanners.includes(signal.scanner))) {
    unmet.push(
      `scanner "${signal.scanner ?? "(none)"}" is not one of ${params.scanners.join(", ")}`,
    );
  }
  return unmet;
}

export const signalGateAgent = defineAgent({
  name: "signal_gate",
  description: "Continues only when the signal matches its conditions; otherwise skips the run",
  params: signalGateParams,
  run(params, ctx) {
    const unmet = unmetConditions(params, ctx.signal);
    const output = { passed: unmet.length === 0, unmet };
    if (unmet.length === 0) return Promise.resolve({ output });
    return Promise.resolve({ output, halt: { reason: `Signal gate: ${unmet.join("; ")}` } });
  },
});
