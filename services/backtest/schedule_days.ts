/**
 * The days a periodic pipeline runs on in a backtest: its schedule walked with the scheduler's own
 * clock (`fireClock`, the code behind the live `nextFireAt`) over the backtest's span. Daily bars
 * cannot tell one hour from another, so every fire on one day would see the same bars and decide
 * the same: a day with any fire runs the pipeline once. A day is a calendar date in the schedule's
 * timezone (UTC without one, as interval schedules are aligned to the epoch).
 */
import type { Schedule } from "../../shared/schemas/pipeline.ts";
import { fireClock } from "../scheduler/schedule.ts";

const DAY_MS = 86_400_000;

/** Days from `from` to `to` (YYYY-MM-DD, both included) on which `schedule` fires, in order. */
export function scheduleDays(schedule: Schedule, from: string, to: string): string[] {
  const timeZone = ("timezone" in schedule && schedule.timezone) || "UTC";
  const next = fireClock(schedule);
  const date = new Intl.DateTimeFormat("en-CA", { timeZone });
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hourCycle: "h23",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const days: string[] = [];
  // Start a day early: in a timezone behind UTC, `from` begins after UTC midnight.
  let after = new Date(Date.parse(`${from}T00:00:00Z`) - DAY_MS);
  for (;;) {
    const fire = next(after);
    if (!fire) return days;
    const day = date.format(fire);
    if (day > to) return days;
    if (day >= from && days.at(-1) !== day) days.push(day);
    // Skip the rest of that day: to just before the next local midnight (24 h after this one,
    // or 23 h or 25 h across a DST change: the hour the clock reads there says which).
    const intoDay = msIntoDay(time, fire);
    let midnight = fire.getTime() - intoDay + DAY_MS;
    const drift = msIntoDay(time, new Date(midnight));
    if (drift !== 0) midnight -= drift > DAY_MS / 2 ? drift - DAY_MS : drift;
    after = new Date(Math.max(fire.getTime(), midnight - 1));
  }
}

/** Milliseconds since local midnight of `at` (per `time`, an h23 hour:minute:second format). */
function msIntoDay(time: Intl.DateTimeFormat, at: Date): number {
  const [h, m, sec] = time.format(at).split(":").map(Number);
  return ((h! * 60 + m!) * 60 + sec!) * 1000 + at.getMilliseconds();
}
