/**
 * The pipeline engine: runs a pipeline's steps in order, each with its own timeout, passing every
 * step the signal, the pipeline and the outputs of the steps before it. Never throws: the outcome
 * says what happened, step by step.
 */
import type { Agent, AgentContext } from "../../shared/agents/agent.ts";
import { isRetryable } from "../../shared/agents/errors.ts";
import { errorMessage, issuesText } from "../../shared/errors.ts";
import type { Step } from "../../shared/schemas/steps.ts";
import { evaluateRule } from "../../shared/rules/evaluate_rule.ts";
import { runScope } from "../../shared/rules/path.ts";
import { parseRule } from "../../shared/rules/rule_parser.ts";

/** One step as stored in `pipeline_executions.steps`. */
export interface StepRecord {
  id: string;
  agent: string;
  /**
   * "skipped": not reached (an earlier step failed or halted the run), or its `when` was false;
   * "halted": it ended the run (a rule); "rejected": it ended the run refusing a trade.
   */
  status: "succeeded" | "failed" | "halted" | "rejected" | "skipped";
  output: unknown;
  error: string | null;
  started_at: string | null;
  duration_ms: number | null;
}

/**
 * What a run came to: "skipped" when a step halted it (a rule), "rejected" when a step refused
 * its trade (`result.halted` says which and why); "interrupted" means `stop` aborted it and
 * nothing should be recorded.
 */
export type RunOutcome =
  | { status: "succeeded"; steps: StepRecord[]; result: RunResult }
  | { status: "skipped" | "rejected"; steps: StepRecord[]; result: RunResult }
  | { status: "failed"; steps: StepRecord[]; result: RunResult; error: string; retryable: boolean }
  | { status: "interrupted"; steps: StepRecord[] };

/**
 * Every step's output by step id (for the steps after it, and tests), and the halt if one happened;
 * `pipeline_executions.result` stores only the halt (each output is stored in its step).
 */
export interface RunResult {
  outputs: Record<string, unknown>;
  /** `outcome`: "rejected" when a trade was refused (see AgentResult), else "halted". */
  halted?: { step: string; reason: string; outcome: "halted" | "rejected" };
}

/** Options of {@linkcode runPipeline}. */
export interface RunPipelineOptions {
  steps: readonly Step[];
  /** Everything a step receives except `outputs` and `abort`, which the engine supplies. */
  context: Omit<AgentContext, "outputs" | "abort">;
  // deno-lint-ignore no-explicit-any
  registry: ReadonlyMap<string, Agent<any>>;
  /** Timeout of a step without `timeout_seconds` (WORKER_STEP_TIMEOUT_SECONDS, default 30). */
  defaultTimeoutSeconds: number;
  /** Aborts the run without an outcome (shutdown deadline, execution taken over). */
  stop: AbortSignal;
}

/** Runs the steps in order and returns the outcome. */
export async function runPipeline(options: RunPipelineOptions): Promise<RunOutcome> {
  const { steps, stop } = options;
  const records: StepRecord[] = steps.map((s) => ({
    id: s.id,
    agent: s.agent,
    status: "skipped",
    output: null,
    error: null,
    started_at: null,
    duration_ms: null,
  }));
  const outputs: Record<string, unknown> = {};
  for (const [i, step] of steps.entries()) {
    const record = records[i]!;
    record.started_at = new Date().toISOString();
    const started = performance.now();
    const result = await runStep(step, options, { ...outputs });
    record.duration_ms = Math.round(performance.now() - started);
    if (stop.aborted) return { status: "interrupted", steps: records };
    if ("error" in result) {
      record.status = "failed";
      record.error = result.error;
      return {
        status: "failed",
        steps: records,
        result: { outputs },
        error: `Step "${step.id}" (${step.agent}) failed: ${result.error}`,
        retryable: result.retryable,
      };
    }
    record.output = result.output ?? null;
    if ("when" in result) continue;
    outputs[step.id] = record.output;
    if ("halt" in result) {
      const outcome: "halted" | "rejected" = result.halt.outcome ?? "halted";
      record.status = outcome;
      const halted = { step: step.id, reason: result.halt.reason, outcome };
      const status = outcome === "rejected" ? "rejected" : "skipped";
      return { status, steps: records, result: { outputs, halted } };
    }
    record.status = "succeeded";
  }
  return { status: "succeeded", steps: records, result: { outputs } };
}

type StepResult =
  | { output: unknown; when: false }
  | { output: unknown }
  | { output: unknown; halt: { reason: string; outcome?: "rejected" } }
  | { error: string; retryable: boolean };

async function runStep(
  step: Step,
  options: RunPipelineOptions,
  outputs: Record<string, unknown>,
): Promise<StepResult> {
  const agent = options.registry.get(step.agent);
  if (!agent) return { error: `unknown agent "${step.agent}"`, retryable: false };
  if (step.when !== undefined) {
    try {
      const scope = runScope(options.context.signal, outputs);
      if (!evaluateRule(parseRule(step.when), scope)) {
        return { output: { when: step.when, passed: false }, when: false };
      }
    } catch (error) {
      return { error: `"when" cannot be evaluated: ${errorMessage(error)}`, retryable: false };
    }
  }
  const params = agent.params.safeParse(step.params);
  if (!params.success) {
    return { error: `invalid params: ${issuesText(params.error.issues, "")}`, retryable: false };
  }
  const seconds = step.timeout_seconds ?? options.defaultTimeoutSeconds;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), seconds * 1000);
  const abort = AbortSignal.any([options.stop, timeout.signal]);
  try {
    const run = agent.run(params.data, {
      ...options.context,
      step: { id: step.id },
      outputs,
      abort,
    });
    return await untilAborted(run, abort);
  } catch (error) {
    if (timeout.signal.aborted && !options.stop.aborted) {
      return { error: `timed out after ${seconds} s`, retryable: true };
    }
    return { error: errorMessage(error), retryable: isRetryable(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** `promise`, or a rejection as soon as `signal` aborts (an agent may ignore its signal). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
