import assert from "node:assert/strict";
import { agentRegistry } from "../../../../shared/agents/registry.ts";
import { pipelineBodySchemas } from "../../../../shared/schemas/pipeline_request.ts";
import {
  bodyFromValues,
  emptyValues,
  fieldOf,
  parseValues,
  valuesFromForm,
} from "./form_values.ts";

const schema = pipelineBodySchemas({ agents: agentRegistry }).create;

Deno.test("valuesFromForm → bodyFromValues: a signal pipeline with new tickers and a step", () => {
  const values = valuesFromForm({
    name: "AAPL Trader",
    trigger_mode: "signal",
    scanner_tickers: ["AAPL", "MSFT"],
    new_tickers: "tsla, nvda",
    signal_types: "BULLISH",
    min_confidence: "60",
    scanners: "rsi golden_cross",
    max_signal_age_seconds: "",
    overlap_policy: "skip",
    max_attempts: "3",
    is_active: "on",
    step_key: ["k2", "k1"],
    "step.k1.id": "second",
    "step.k1.agent": "log",
    "step.k1.param.message": "",
    "step.k2.id": "first",
    "step.k2.agent": "rule",
    "step.k2.param.expression": "signal.confidence > 70",
  });
  assert.deepEqual(bodyFromValues(values), {
    name: "AAPL Trader",
    description: "",
    trigger_mode: "signal",
    scanner_tickers: ["AAPL", "MSFT", "TSLA", "NVDA"],
    config: {
      steps: [
        { id: "first", agent: "rule", params: { expression: "signal.confidence > 70" } },
        { id: "second", agent: "log", params: {} },
      ],
    },
    is_active: true,
    schedule: null,
    overlap_policy: "skip",
    signal_filter: { signals: ["BULLISH"], min_confidence: 60, scanners: ["rsi", "golden_cross"] },
    max_signal_age_seconds: null,
    listen_to: null,
    max_attempts: 3,
  });
});

Deno.test("bodyFromValues: periodic pipelines get a schedule and no signal filter", () => {
  const body = bodyFromValues({
    ...emptyValues(),
    name: "Every minute",
    trigger_mode: "periodic",
    every_seconds: "60",
    signal_types: ["BULLISH"],
  });
  assert.deepEqual(body.schedule, { every_seconds: 60 });
  assert.equal(body.signal_filter, null);
  const cron = bodyFromValues({
    ...emptyValues(),
    trigger_mode: "periodic",
    schedule_kind: "cron",
    cron: "*/5 * * * *",
  });
  assert.deepEqual(cron.schedule, { cron: "*/5 * * * *" });
});

Deno.test("parseValues: each issue lands on the input it is about", () => {
  const values = {
    ...emptyValues(),
    name: " ",
    max_attempts: "500",
    min_confidence: "abc",
    steps: [{ key: "x1", id: "Bad Id", agent: "rule", params: { expression: "" } }],
  };
  const result = parseValues(schema, values);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(Object.keys(result.errors).sort(), [
    "max_attempts",
    "min_confidence",
    "name",
    "step.x1.id",
    "step.x1.param.expression",
  ]);
  assert.equal(result.errors.name, "must not be empty");
});

Deno.test("fieldOf: schedule, filter and step paths map to their inputs", () => {
  const steps = [{ key: "a", id: "s", agent: "log", params: {} }];
  assert.equal(fieldOf("schedule.every_seconds", steps), "every_seconds");
  assert.equal(fieldOf("schedule.cron", steps), "cron");
  assert.equal(fieldOf("signal_filter.scanners.0", steps), "scanners");
  assert.equal(fieldOf("config.steps.0.params.level", steps), "step.a.param.level");
  assert.equal(fieldOf("config.steps.3.id", steps), "steps");
  assert.equal(fieldOf("whatever", steps), "form");
});
