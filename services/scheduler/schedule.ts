/**
 * When periodic pipelines fire: the next time of a schedule, and which pipelines a tick fires.
 * Interval schedules are aligned to the epoch so every scheduler computes the same tick times,
 * which makes a tick's id (and so the claim's idempotency key) the same on every instance.
 */
import { Cron } from "croner";
import type { Schedule } from "../../shared/schemas/pipeline.ts";

/** The first fire time strictly after `after`; null when a cron expression never fires again. */
export function nextFireAt(schedule: Schedule, after: Date): Date | null {
  return fireClock(schedule)(after);
}

/**
 * {@linkcode nextFireAt} for one schedule, its cron expression parsed once: for callers that ask
 * many times (a backtest walks years of fires).
 */
export function fireClock(schedule: Schedule): (after: Date) => Date | null {
  if ("every_seconds" in schedule) {
    const every = schedule.every_seconds * 1000;
    return (after) => new Date(Math.floor(after.getTime() / every) * every + every);
  }
  const cron = new Cron(schedule.cron, {
    paused: true,
    ...(schedule.timezone ? { timezone: schedule.timezone } : {}),
  });
  return (after) => cron.nextRun(after);
}

/** The idempotency key of one tick of one pipeline. */
export function tickId(pipelineId: string, scheduledAt: Date): string {
  return `tick:${pipelineId}:${scheduledAt.toISOString()}`;
}

/** A periodic pipeline as the scheduler holds it. */
export interface ScheduledPipeline {
  id: string;
  schedule: Schedule;
  nextFireAt: Date;
}

/** One tick to fire: at its scheduled time, and the pipeline's next time after it. */
export interface Fire {
  pipelineId: string;
  schedule: Schedule;
  scheduledAt: Date;
  nextFireAt: Date | null;
}

/**
 * The fires due at `now`. A pipeline that missed several ticks (the scheduler was down) fires
 * once, for the first missed time, and its next time is computed from `now`: never a burst.
 */
export function dueFires(pipelines: Iterable<ScheduledPipeline>, now: Date): Fire[] {
  const fires: Fire[] = [];
  for (const p of pipelines) {
    if (p.nextFireAt.getTime() > now.getTime()) continue;
    fires.push({
      pipelineId: p.id,
      schedule: p.schedule,
      scheduledAt: p.nextFireAt,
      nextFireAt: nextFireAt(p.schedule, now),
    });
  }
  return fires;
}
