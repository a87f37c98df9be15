/**
 * The scheduler: among several instances one leads (advisory lock); the leader keeps the active
 * periodic pipelines in memory (LISTEN for changes, plus a periodic full reload), and each tick
 * claims the due ones through the shared claim rule and overlap policy, in one transaction with
 * their new schedule state, then enqueues what it claimed.
 */
import type { Logger } from "@logtape/logtape";
import { CONFIG_DEFAULTS } from "../../shared/config.ts";
import type { Sql } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import { claimExecutions, type ClaimRequest } from "../../shared/executions/claim.ts";
import { enqueueJobs } from "../../shared/executions/enqueue.ts";
import { MetricsRegistry } from "../../shared/metrics.ts";
import type { RedisNames } from "../../shared/names.ts";
import { followPipelineChanges } from "../../shared/follow_changes.ts";
import type { Redis } from "../../shared/redis.ts";
import { scheduleSchema } from "../../shared/schemas/pipeline.ts";
import { sleep } from "../../shared/sleep.ts";
import { holdLeadership } from "./leader_lock.ts";
import { dueFires, nextFireAt, type ScheduledPipeline, tickId } from "./schedule.ts";
import {
  loadPeriodicPipelines,
  saveScheduleState,
  type ScheduleStateUpdate,
} from "./schedule_state.ts";

/** Advisory lock key of the leader ("schedule" in ASCII); advisory locks are per database. */
export const SCHEDULER_LOCK_KEY = 0x7363686564756c65n;

/** What a scheduler is given. */
export interface SchedulerDeps {
  sql: Sql;
  /** Opens a one-connection client for the leader lock (e.g. `connectPostgres(url, { max: 1 })`). */
  connectLock(): Sql;
  redis: Redis;
  names: RedisNames;
  log: Logger;
  /** Default: a new registry. */
  registry?: MetricsRegistry;
}

/** Tuning; defaults are the config defaults. */
export interface SchedulerOptions {
  /** SCHEDULER_TICK_SECONDS, default 1: how often due pipelines are fired. */
  tickSeconds?: number;
  /** SCHEDULER_RELOAD_SECONDS, default 30: full reload besides LISTEN. */
  reloadSeconds?: number;
  /** Approximate bound of the jobs stream; default 1 000 000. */
  streamMaxLength?: number;
}

/** Creates a scheduler; `run` competes for leadership until `signal` aborts. */
export function createScheduler(deps: SchedulerDeps, options: SchedulerOptions = {}) {
  const { sql, redis, names, log } = deps;
  const tickMs = (options.tickSeconds ?? CONFIG_DEFAULTS.SCHEDULER_TICK_SECONDS) * 1000;
  const reloadMs = (options.reloadSeconds ?? CONFIG_DEFAULTS.SCHEDULER_RELOAD_SECONDS) * 1000;
  const registry = deps.registry ?? new MetricsRegistry();
  const metrics = {
    registry,
    fired: registry.counter(
      "tickwire_scheduler_ticks_total",
      "Ticks fired, by outcome (claimed, or skipped as busy/inactive)",
    ),
    leader: registry.gauge("tickwire_scheduler_leader", "1 while this instance leads"),
    scheduled: registry.gauge("tickwire_scheduler_pipelines", "Periodic pipelines scheduled"),
  };
  const pipelines = new Map<string, ScheduledPipeline>();

  /** Reloads `ids` (null: all); computes next times for new or changed schedules. */
  async function reload(ids: readonly string[] | null): Promise<void> {
    const rows = await loadPeriodicPipelines(sql, ids);
    const seen = new Set<string>();
    const updates: ScheduleStateUpdate[] = [];
    const now = new Date();
    for (const row of rows) {
      seen.add(row.id);
      const parsed = scheduleSchema.safeParse(row.schedule);
      let next: Date | null = row.next_fire_at;
      try {
        if (!parsed.success) throw new Error(parsed.error.issues[0]?.message);
        if (!next || JSON.stringify(row.schedule) !== JSON.stringify(row.state_schedule)) {
          next = nextFireAt(parsed.data, now);
          if (next) {
            updates.push({
              pipeline_id: row.id,
              schedule: row.schedule,
              last_fired_at: null,
              next_fire_at: next.toISOString(),
            });
          }
        }
      } catch (error) {
        log.warn("Pipeline {id} has an unusable schedule {schedule}: {error}", {
          id: row.id,
          schedule: row.schedule,
          error: errorMessage(error),
        });
        next = null;
      }
      if (parsed.success && next) {
        pipelines.set(row.id, { id: row.id, schedule: parsed.data, nextFireAt: next });
      } else pipelines.delete(row.id);
    }
    for (const id of ids ?? [...pipelines.keys()]) if (!seen.has(id)) pipelines.delete(id);
    await saveScheduleState(sql, updates);
    metrics.scheduled.set(pipelines.size);
  }

  /** Fires every due pipeline: one transaction for claims and state, then one XADD batch. */
  async function fireDue(): Promise<void> {
    const now = new Date();
    const fires = dueFires(pipelines.values(), now);
    if (fires.length === 0) return;
    const requests: ClaimRequest[] = fires.map((f) => ({
      pipeline_id: f.pipelineId,
      trigger_kind: "periodic",
      signal_id: tickId(f.pipelineId, f.scheduledAt),
      signal: null,
      signal_emitted_at: f.scheduledAt.toISOString(),
      received_at: now.toISOString(),
    }));
    const updates = fires.flatMap((f) =>
      f.nextFireAt
        ? [{
          pipeline_id: f.pipelineId,
          schedule: f.schedule,
          last_fired_at: f.scheduledAt.toISOString(),
          next_fire_at: f.nextFireAt.toISOString(),
        }]
        : []
    );
    const claimed = await sql.begin(async (tx) => {
      const rows = await claimExecutions(tx, requests);
      await saveScheduleState(tx, updates);
      return rows;
    });
    for (const f of fires) {
      if (f.nextFireAt) pipelines.get(f.pipelineId)!.nextFireAt = f.nextFireAt;
      else pipelines.delete(f.pipelineId);
    }
    // A crash before this XADD leaves the executions queued: the dispatcher's sweep enqueues them.
    await enqueueJobs(redis, names, claimed, {
      maxLength: options.streamMaxLength ?? CONFIG_DEFAULTS.JOBS_STREAM_MAX_LENGTH,
    });
    metrics.fired.inc({ outcome: "claimed" }, claimed.length);
    metrics.fired.inc({ outcome: "skipped" }, fires.length - claimed.length);
    log.debug("Fired {fired} ticks, {claimed} claimed", {
      fired: fires.length,
      claimed: claimed.length,
    });
  }

  async function lead(leadership: AbortSignal): Promise<void> {
    const changed = new Set<string>();
    let reloadAll = true;
    await followPipelineChanges(sql, {
      onChange: (change) => changed.add(change.id),
      onResync: () => (reloadAll = true),
    }, { signal: leadership, log });
    let nextFullReload = 0;
    try {
      while (!leadership.aborted) {
        try {
          if (reloadAll || Date.now() >= nextFullReload) {
            reloadAll = false;
            changed.clear();
            await reload(null);
            nextFullReload = Date.now() + reloadMs;
          } else if (changed.size > 0) {
            const ids = [...changed];
            changed.clear();
            await reload(ids);
          }
          await fireDue();
        } catch (error) {
          reloadAll = true;
          log.error("Scheduler tick failed: {error}", { error: errorMessage(error) });
        }
        await sleep(tickMs, leadership);
      }
    } finally {
      pipelines.clear();
    }
  }

  return {
    metrics,
    /** Competes for leadership and schedules while leading, until `signal` aborts. */
    run(signal: AbortSignal): Promise<void> {
      return holdLeadership({
        connect: deps.connectLock,
        log,
        key: SCHEDULER_LOCK_KEY,
        checkMs: Math.min(1000, tickMs),
        lead,
        onChange: (leader) => metrics.leader.set(leader ? 1 : 0),
      }, signal);
    },
  };
}
