import { egressPolicy } from "../../shared/egress/egress_policy.ts";
import assert from "node:assert/strict";
import { z } from "zod";
import { getLogger } from "@logtape/logtape";
import { type Agent, defineAgent } from "../../shared/agents/agent.ts";
import { NonRetryableError } from "../../shared/agents/errors.ts";
import { signalGateAgent } from "../../shared/agents/signal_gate.ts";
import type { Step } from "../../shared/schemas/steps.ts";
import { runPipeline, type RunPipelineOptions } from "./run_pipeline.ts";

// Test-only agents, passed as the engine's registry (never registered in shared/agents).
const echo = defineAgent({
  name: "echo",
  description: "returns its params and the outputs it saw",
  params: z.object({ value: z.number() }),
  run: (params, ctx) => Promise.resolve({ output: { value: params.value, saw: ctx.outputs } }),
});
const fail = defineAgent({
  name: "fail",
  description: "throws",
  params: z.object({ fatal: z.boolean().default(false) }),
  run: (params) =>
    Promise.reject(params.fatal ? new NonRetryableError("rejected") : new Error("flaky")),
});
const hang = defineAgent({
  name: "hang",
  description: "never settles and ignores its signal",
  params: z.object({}),
  run: () => new Promise(() => {}),
});
// deno-lint-ignore no-explicit-any
const registry = new Map<string, Agent<any>>(
  [echo, fail, hang, signalGateAgent].map((a) => [a.name, a]),
);

function options(steps: Step[], stop = new AbortController().signal): RunPipelineOptions {
  return {
    steps,
    registry,
    stop,
    defaultTimeoutSeconds: 0.05,
    context: {
      signal: { ticker: "AAPL", signal: "BULLISH", confidence: 60 },
      pipeline: { id: "p", owner_id: "u", name: "n", account: "default" },
      execution: { id: "e", trigger_kind: "signal", attempt: 1 },
      log: getLogger(["test"]),
      sql: undefined as never,
      egress: egressPolicy(""),
      market: undefined as never,
      ledger: undefined as never,
    },
  };
}
const step = (id: string, agent: string, params: Record<string, unknown> = {}): Step => ({
  id,
  agent,
  params,
});

Deno.test("engine: steps run in order and each sees the outputs before it", async () => {
  const outcome = await runPipeline(
    options([step("a", "echo", { value: 1 }), step("b", "echo", { value: 2 })]),
  );
  assert.equal(outcome.status, "succeeded");
  assert.deepEqual(outcome.steps.map((s) => [s.id, s.status, s.output]), [
    ["a", "succeeded", { value: 1, saw: {} }],
    ["b", "succeeded", { value: 2, saw: { a: { value: 1, saw: {} } } }],
  ]);
  assert.ok(outcome.steps.every((s) => s.started_at !== null && s.duration_ms !== null));
});

Deno.test("engine: a halt ends the run as skipped and later steps are not run", async () => {
  const outcome = await runPipeline(
    options([step("gate", "signal_gate", { min_confidence: 70 }), step("b", "echo", { value: 2 })]),
  );
  assert.equal(outcome.status, "skipped");
  assert.deepEqual(outcome.steps.map((s) => s.status), ["halted", "skipped"]);
  assert.equal(
    outcome.status === "skipped" && outcome.result.halted?.reason,
    "Signal gate: confidence 60 is below 70",
  );
});

Deno.test("engine: a plain error is retryable, a NonRetryableError and bad params are not", async () => {
  const flaky = await runPipeline(options([step("a", "fail"), step("b", "echo", { value: 1 })]));
  assert.ok(flaky.status === "failed" && flaky.retryable);
  assert.equal(flaky.status === "failed" && flaky.error, 'Step "a" (fail) failed: flaky');
  assert.deepEqual(flaky.steps.map((s) => s.status), ["failed", "skipped"]);
  const fatal = await runPipeline(options([step("a", "fail", { fatal: true })]));
  assert.ok(fatal.status === "failed" && !fatal.retryable);
  const bad = await runPipeline(options([step("a", "echo", { value: "x" })]));
  assert.ok(bad.status === "failed" && !bad.retryable && /invalid params/.test(bad.error));
  const unknown = await runPipeline(options([step("a", "nope")]));
  assert.ok(unknown.status === "failed" && !unknown.retryable);
});

Deno.test("engine: a step past its timeout fails retryably even if the agent ignores abort", async () => {
  const outcome = await runPipeline(options([{ ...step("a", "hang"), timeout_seconds: 0.02 }]));
  assert.ok(outcome.status === "failed" && outcome.retryable);
  assert.equal(outcome.steps[0]!.error, "timed out after 0.02 s");
});

Deno.test("engine: stop interrupts the run without an outcome", async () => {
  const stop = new AbortController();
  const running = runPipeline({
    ...options([step("a", "hang")], stop.signal),
    defaultTimeoutSeconds: 60,
  });
  stop.abort();
  assert.equal((await running).status, "interrupted");
});

Deno.test("engine: a step whose `when` is false is skipped and the run goes on", async () => {
  const outcome = await runPipeline(
    options([
      step("a", "echo", { value: 1 }),
      { ...step("sell", "echo", { value: 2 }), when: 'signal.signal == "BEARISH"' },
      { ...step("buy", "echo", { value: 3 }), when: "a.value == 1 and signal.confidence > 50" },
    ]),
  );
  assert.equal(outcome.status, "succeeded");
  assert.deepEqual(outcome.steps.map((s) => s.status), ["succeeded", "skipped", "succeeded"]);
  assert.deepEqual(outcome.steps[1]!.output, {
    when: 'signal.signal == "BEARISH"',
    passed: false,
  });
  if (outcome.status !== "succeeded") return;
  assert.deepEqual(Object.keys(outcome.result.outputs), ["a", "buy"]);
  const broken = await runPipeline(
    options([{ ...step("a", "echo", { value: 1 }), when: "nothing.here > 1" }]),
  );
  assert.equal(broken.status, "failed");
});

Deno.test("engine: a refused trade ends the run rejected, a rule's halt skipped", async () => {
  const refuse = defineAgent({
    name: "refuse",
    description: "refuses the trade",
    params: z.object({}),
    run: () =>
      Promise.resolve({
        output: null,
        halt: { reason: "Paper order rejected: insufficient cash", outcome: "rejected" as const },
      }),
  });
  const outcome = await runPipeline({
    ...options([step("order", "refuse")]),
    registry: new Map([[refuse.name, refuse]]),
  });
  assert.equal(outcome.status, "rejected");
  if (outcome.status !== "rejected") return;
  assert.equal(outcome.steps[0]!.status, "rejected");
  assert.deepEqual(outcome.result.halted, {
    step: "order",
    reason: "Paper order rejected: insufficient cash",
    outcome: "rejected",
  });
  const gated = await runPipeline(
    options([step("gate", "signal_gate", { signals: ["BEARISH"] })]),
  );
  assert.equal(gated.status === "skipped" && gated.result.halted?.outcome, "halted");
  assert.equal(gated.steps[0]!.status, "halted");
});
