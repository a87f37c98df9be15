import assert from "node:assert/strict";
import { jobFields } from "../../shared/schemas/job.ts";
import { decideDeliveries, exhaustedReason, sortEntries } from "./deliveries.ts";
import type { DeliveredExecution } from "./start_executions.ts";

const E1 = "11111111-1111-4111-8111-111111111111";
const E2 = "22222222-2222-4222-8222-222222222222";
const P = "33333333-3333-4333-8333-333333333333";
const entry = (id: string, execution_id: string, reclaimed = false) => ({
  id,
  fields: jobFields({ execution_id, pipeline_id: P, enqueued_at: 1 }),
  reclaimed,
});
const execution = (fields: Partial<DeliveredExecution>): DeliveredExecution => ({
  id: E1,
  pipeline_id: P,
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

Deno.test("deliveries: entries sort into jobs, plain acks (trimmed) and dead letters (malformed)", () => {
  const sorted = sortEntries([
    entry("1-0", E1),
    { id: "2-0", fields: null, reclaimed: true },
    { id: "3-0", fields: ["execution_id", "nope"], reclaimed: false },
  ]);
  assert.deepEqual(sorted.jobs.map((j) => [j.entry.id, j.job.execution_id]), [["1-0", E1]]);
  assert.deepEqual(sorted.acks, ["2-0"]);
  assert.equal(sorted.letters.length, 1);
  assert.equal(sorted.letters[0]!.entryId, "3-0");
  assert.match(sorted.letters[0]!.reason, /^Cannot parse job "3-0": field "execution_id"/);
});

Deno.test("deliveries: one start statement runs an execution once; later entries of it are acks", () => {
  const { jobs } = sortEntries([entry("1-0", E1), entry("2-0", E2), entry("3-0", E1)]);
  const decided = decideDeliveries(jobs, [
    execution({ id: E1, started: true, attempts: 1 }),
    // E2 is gone (deleted with its pipeline).
  ]);
  assert.deepEqual(decided.map((d) => d.delivery), ["run", "ack", "ack"]);
  assert.equal(decided[0]!.execution?.id, E1);
  assert.equal(decided[1]!.execution, undefined);
});

Deno.test("deliveries: an exhausted execution's reason names the attempts and the last error", () => {
  const queued = execution({ attempts: 3, error: "boom" });
  assert.equal(exhaustedReason(queued, 60), "Gave up after 3 of 3 attempts: boom");
  const abandoned = execution({ previous_status: "running", attempts: 3, stale: true });
  assert.equal(
    exhaustedReason(abandoned, 60),
    "Gave up after 3 of 3 attempts: its worker stopped responding (no heartbeat for 60 s)",
  );
});
