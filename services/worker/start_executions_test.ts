import assert from "node:assert/strict";
import { decideDelivery, type DeliveredExecution } from "./start_executions.ts";

const execution = (fields: Partial<DeliveredExecution>): DeliveredExecution => ({
  id: "e",
  pipeline_id: "p",
  previous_status: "queued",
  pipeline_account: null,
  started: false,
  attempts: 0,
  max_attempts: 3,
  due_at: null,
  stale: false,
  trigger_kind: "signal",
  signal: null,
  error: null,
  pipeline_name: "n",
  owner_id: "u",
  config: {},
  ...fields,
});

Deno.test("delivery: a started execution runs once per batch", () => {
  assert.equal(decideDelivery(execution({ started: true }), false, false), "run");
  assert.equal(decideDelivery(execution({ started: true }), false, true), "ack");
});

Deno.test("delivery: finished, gone or running elsewhere is acknowledged and skipped", () => {
  assert.equal(decideDelivery(undefined, false, false), "ack");
  for (const status of ["succeeded", "failed", "skipped"] as const) {
    assert.equal(decideDelivery(execution({ previous_status: status }), true, false), "ack");
  }
  assert.equal(decideDelivery(execution({ previous_status: "running" }), false, false), "ack");
});

Deno.test("delivery: a reclaimed entry of a live run is left for its worker", () => {
  assert.equal(decideDelivery(execution({ previous_status: "running" }), true, false), "leave");
});

Deno.test("delivery: out of attempts when queued or stale → exhausted", () => {
  const stale = execution({ previous_status: "running", stale: true, attempts: 3 });
  assert.equal(decideDelivery(stale, true, false), "exhausted");
  assert.equal(decideDelivery(execution({ attempts: 3 }), false, false), "exhausted");
});

Deno.test("delivery: a retry delivered early goes back on the schedule", () => {
  assert.equal(decideDelivery(execution({ due_at: new Date() }), false, false), "reschedule");
});
