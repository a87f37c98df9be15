import assert from "node:assert/strict";
import { scheduleDays } from "./schedule_days.ts";

Deno.test("scheduleDays: weekdays of a cron in its timezone, Fridays, an hourly interval once a day", () => {
  // 2024-03-04 is a Monday. 16:00 in New York is 21:00 UTC: the New York date, not the next one.
  const weekdays = { cron: "0 16 * * 1-5", timezone: "America/New_York" };
  assert.deepEqual(scheduleDays(weekdays, "2024-03-04", "2024-03-12"), [
    "2024-03-04",
    "2024-03-05",
    "2024-03-06",
    "2024-03-07",
    "2024-03-08",
    "2024-03-11",
    "2024-03-12",
  ]);
  assert.deepEqual(scheduleDays({ cron: "30 9 * * 5" }, "2024-03-01", "2024-03-31"), [
    "2024-03-01",
    "2024-03-08",
    "2024-03-15",
    "2024-03-22",
    "2024-03-29",
  ]);
  assert.deepEqual(scheduleDays({ every_seconds: 3600 }, "2024-02-28", "2024-03-01"), [
    "2024-02-28",
    "2024-02-29",
    "2024-03-01",
  ]);
  // Every 36 hours from the epoch: not every day.
  assert.deepEqual(scheduleDays({ every_seconds: 129_600 }, "2024-01-01", "2024-01-06"), [
    "2024-01-01",
    "2024-01-03",
    "2024-01-04",
    "2024-01-06",
  ]);
  // Spring forward in New York (2024-03-10 has 23 hours): a fire at 00:30 every day is kept.
  assert.deepEqual(
    scheduleDays({ cron: "30 0 * * *", timezone: "America/New_York" }, "2024-03-09", "2024-03-12"),
    ["2024-03-09", "2024-03-10", "2024-03-11", "2024-03-12"],
  );
  assert.deepEqual(
    scheduleDays({ cron: "30 0 * * *", timezone: "America/New_York" }, "2024-11-02", "2024-11-05"),
    ["2024-11-02", "2024-11-03", "2024-11-04", "2024-11-05"],
  );
});

Deno.test("scheduleDays: twenty years of an hourly cron in a timezone, fast and across DST", () => {
  const started = performance.now();
  const days = scheduleDays(
    { cron: "0 * * * *", timezone: "America/New_York" },
    "2000-01-01",
    "2019-12-31",
  );
  assert.equal(days.length, 7305);
  assert.equal(days[0], "2000-01-01");
  assert.equal(days.at(-1), "2019-12-31");
  assert.ok(new Set(days).size === days.length);
  assert.ok(performance.now() - started < 10_000);
});
