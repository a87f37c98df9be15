import assert from "node:assert/strict";
import { dueFires, nextFireAt, tickId } from "./schedule.ts";

const at = (iso: string) => new Date(iso);

Deno.test("schedule: intervals are aligned to the epoch and strictly after", () => {
  const every = { every_seconds: 60 };
  assert.deepEqual(nextFireAt(every, at("2025-01-01T00:00:30Z")), at("2025-01-01T00:01:00Z"));
  assert.deepEqual(nextFireAt(every, at("2025-01-01T00:01:00Z")), at("2025-01-01T00:02:00Z"));
});

Deno.test("schedule: cron expressions, with seconds and a timezone", () => {
  assert.deepEqual(
    nextFireAt({ cron: "30 9 * * 1-5" }, at("2025-01-03T10:00:00Z")),
    at("2025-01-06T09:30:00Z"),
  );
  assert.deepEqual(
    nextFireAt({ cron: "*/5 * * * * *" }, at("2025-01-01T00:00:01Z")),
    at("2025-01-01T00:00:05Z"),
  );
  assert.deepEqual(
    nextFireAt({ cron: "30 9 * * *", timezone: "America/New_York" }, at("2025-01-02T00:00:00Z")),
    at("2025-01-02T14:30:00Z"),
  );
  assert.throws(() => nextFireAt({ cron: "not a cron" }, new Date()));
});

Deno.test("schedule: a pipeline that missed many ticks fires once, then resumes from now", () => {
  const schedule = { every_seconds: 60 };
  const fires = dueFires([
    { id: "late", schedule, nextFireAt: at("2025-01-01T00:00:00Z") },
    { id: "future", schedule, nextFireAt: at("2025-01-01T05:01:00Z") },
  ], at("2025-01-01T05:00:10Z"));
  assert.deepEqual(fires, [{
    pipelineId: "late",
    schedule,
    scheduledAt: at("2025-01-01T00:00:00Z"),
    nextFireAt: at("2025-01-01T05:01:00Z"),
  }]);
  assert.equal(tickId("p", fires[0]!.scheduledAt), "tick:p:2025-01-01T00:00:00.000Z");
});
