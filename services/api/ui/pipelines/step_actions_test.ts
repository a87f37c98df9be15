import assert from "node:assert/strict";
import type { StepValues } from "./form_values.ts";
import { applyStepAction, newStep } from "./step_actions.ts";

const step = (key: string): StepValues => ({ key, id: key, agent: "log", params: {} });
const steps = [step("a"), step("b"), step("c")];
const add = { agent: "http-call", key: "9f3c2d1e" };
const keys = (r: ReturnType<typeof applyStepAction>) => r?.steps.map((s) => s.key);

Deno.test("applyStepAction: up and down swap with the neighbour and keep focus on the button", () => {
  assert.deepEqual(keys(applyStepAction(steps, "up:b", add)), ["b", "a", "c"]);
  assert.deepEqual(keys(applyStepAction(steps, "down:b", add)), ["a", "c", "b"]);
  assert.equal(applyStepAction(steps, "down:b", add)?.focus, "down:b");
  assert.deepEqual(keys(applyStepAction(steps, "up:a", add)), ["a", "b", "c"], "first stays");
  assert.deepEqual(keys(applyStepAction(steps, "down:c", add)), ["a", "b", "c"], "last stays");
  assert.deepEqual(keys({ steps, focus: "" }), ["a", "b", "c"], "the input is not changed");
});

Deno.test("applyStepAction: remove focuses the next step's Remove, or the agent picker", () => {
  assert.deepEqual(applyStepAction(steps, "remove:b", add), {
    steps: [step("a"), step("c")],
    focus: "remove:c",
  });
  assert.equal(applyStepAction(steps, "remove:c", add)?.focus, "remove:b");
  assert.deepEqual(applyStepAction([step("a")], "remove:a", add), {
    steps: [],
    focus: "add-step-agent",
  });
  assert.deepEqual(keys(applyStepAction(steps, "remove:zz", add)), ["a", "b", "c"]);
});

Deno.test("applyStepAction: add appends a new step and focuses its id; other values are not actions", () => {
  assert.deepEqual(applyStepAction([step("a")], "add", add), {
    steps: [step("a"), { key: "9f3c2d1e", id: "http_call_9f3c", agent: "http-call", params: {} }],
    focus: "step-9f3c2d1e-id",
  });
  assert.equal(applyStepAction(steps, "", add), null);
  assert.equal(applyStepAction(steps, "sideways:a", add), null);
  assert.deepEqual(newStep("log", "abcd1234").id, "log_abcd");
});
