import assert from "node:assert/strict";
import { scheduleSchema } from "./pipeline.ts";

Deno.test("schedule: cron expressions are checked by the scheduler's parser", () => {
  assert.equal(scheduleSchema.safeParse({ cron: "*/5 * * * *" }).success, true);
  assert.equal(
    scheduleSchema.safeParse({ cron: "0 9 * * 1-5", timezone: "America/New_York" }).success,
    true,
  );
  const bad = scheduleSchema.safeParse({ cron: "61 * * * *" });
  assert.equal(bad.success, false);
  assert.match(JSON.stringify(bad.error?.issues), /invalid cron \\"61 \* \* \* \*\\"/);
  const zone = scheduleSchema.safeParse({ cron: "0 9 * * *", timezone: "Mars/Olympus" });
  assert.equal(zone.success, false);
  assert.match(JSON.stringify(zone.error?.issues), /timezone \\"Mars\/Olympus\\"/);
});

Deno.test("schedule: an interval below ten seconds is refused", () => {
  assert.equal(scheduleSchema.safeParse({ every_seconds: 10 }).success, true);
  assert.equal(scheduleSchema.safeParse({ every_seconds: 9 }).success, false);
});
