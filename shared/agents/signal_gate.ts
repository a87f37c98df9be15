/**
 * `signal_gate`: lets the run continue only when the triggering signal meets every condition;
 * otherwise the run ends as "skipped" with the unmet conditions as its reason.
 *
 * @example {"id": "gate", "agent": "signal_gate", "params": {"signals": ["BULLISH"], "min_confidence": 70}}
 */
import { defineAgent } from "./agent.ts";
import { signalConditionsSchema, unmetConditions } from "../schemas/signal_conditions.ts";

/** The gate's conditions: the same model as a pipeline's `signal_filter`. */
export const signalGateParams = signalConditionsSchema;

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
