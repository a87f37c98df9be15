/**
 * A worker: reads jobs as one consumer of the `pipeline-workers` group, starts their executions
 * in one compare-and-set per batch, runs up to `concurrency` pipelines at once, heartbeats them,
 * reclaims entries of dead consumers, promotes due retries, and drains on shutdown.
 */
import type { Logger } from "@logtape/logtape";
import type { Agent } from "../../shared/agents/agent.ts";
import { agentRegistry } from "../../shared/agents/registry.ts";
import { type Sql } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import { type EgressPolicy, egressPolicy } from "../../shared/egress/egress_policy.ts";
import type { RedisNames } from "../../shared/names.ts";
import type { Redis } from "../../shared/redis.ts";
import { parseJobFields } from "../../shared/schemas/job.ts";
import { type DeadLetter, deadLetter } from "./dead_letter.ts";
import { failExhausted, type Finish, finishExecutions } from "./finish_execution.ts";
import {
  ack,
  createReclaimer,
  ensureGroup,
  readNew,
  type StreamEntry,
  touch,
} from "./job_stream.ts";
import { type WorkerMetrics, workerMetrics } from "./metrics.ts";
import { promoteDueRetries, scheduleRetry } from "./retry_schedule.ts";
import { executeRun } from "./execute_run.ts";
import { createGroupCommit } from "../../shared/group_commit.ts";
import { decideDelivery, startExecutions } from "./start_executions.ts";
import { sleep } from "../../shared/sleep.ts";
import { exponentialDelay } from "../../shared/backoff.ts";

/** What a worker is given. */
export interface WorkerDeps {
  sql: Sql;
  redis: Redis;
  names: RedisNames;
  log: Logger;
  /** Default: new metrics in a new registry. */
  metrics?: WorkerMetrics;
  /** Default: the agent registry. */
  // deno-lint-ignore no-explicit-any
  registry?: ReadonlyMap<string, Agent<any>>;
  /** Addresses the agents may call; default none of the special ones (loopback, private…). */
  egress?: EgressPolicy;
}

/** Tuning; each default is the config default of the matching WORKER_* variable. */
export interface WorkerOptions {
  /** Consumer name in the group and `worker_id` of its executions; unique per process. */
  consumer: string;
  /** Runs at once; default 8. */
  concurrency?: number;
  /** Idle time after which an entry (and a silent execution) is reclaimed; default 60 s. */
  visibilityTimeoutSeconds?: number;
  /** Default 10 s. */
  heartbeatSeconds?: number;
  /** How long in-flight runs may finish after shutdown begins; default 30 s. */
  shutdownDeadlineSeconds?: number;
  /** Default 30 s. */
  stepTimeoutSeconds?: number;
  /** Default 1 s. */
  retryBaseSeconds?: number;
  /** Default 300 s. */
  retryMaxSeconds?: number;
  /** Approximate bound of the jobs stream for promoted retries; default 1 000 000. */
  streamMaxLength?: number;
  /** Longest blocking read, also the pace of retry promotion; default 500 ms. */
  blockMs?: number;
}

/** A worker; `run` returns after shutdown when `signal` aborts. */
export interface Worker {
  run(signal: AbortSignal): Promise<void>;
  metrics: WorkerMetrics;
}

interface InFlight {
  entryId: string;
  lost: AbortController;
  done: Promise<void>;
}

/** Creates a worker; nothing happens until `run`. */
export function createWorker(deps: WorkerDeps, options: WorkerOptions): Worker {
  const { sql, redis, names, log } = deps;
  // Group commit: outcomes and acks of runs finishing together share one statement / one XACK.
  const finisher = createGroupCommit((finishes: Finish[]) => finishExecutions(sql, finishes));
  const acker = createGroupCommit(async (ids: string[]) => {
    await ack(redis, names, ids);
    return ids.map(() => undefined);
  });
  const metrics = deps.metrics ?? workerMetrics();
  const registry = deps.registry ?? agentRegistry;
  const egress = deps.egress ?? egressPolicy("");
  const o = {
    concurrency: 8,
    visibilityTimeoutSeconds: 60,
    heartbeatSeconds: 10,
    shutdownDeadlineSeconds: 30,
    stepTimeoutSeconds: 30,
    retryBaseSeconds: 1,
    retryMaxSeconds: 300,
    streamMaxLength: 1_000_000,
    blockMs: 500,
    ...options,
  };
  const visibilityMs = o.visibilityTimeoutSeconds * 1000;
  const runs = new Map<string, InFlight>();
  const hardStop = new AbortController();

  async function handle(entries: StreamEntry[]): Promise<void> {
    const acks: string[] = [];
    const letters: DeadLetter[] = [];
    const jobs = [];
    for (const entry of entries) {
      // A trimmed entry: its execution, if still queued, is re-enqueued by the dispatcher's sweep.
      if (!entry.fields) acks.push(entry.id);
      else {
        const parsed = parseJobFields(entry.fields);
        if (parsed.ok) jobs.push({ entry, job: parsed.job });
        else {
          const reason = `Cannot parse job "${entry.id}": ${parsed.error}`;
          letters.push({ entryId: entry.id, fields: entry.fields, reason });
          acks.push(entry.id);
          metrics.deadLettered.inc({ reason: "malformed" });
          log.error(reason);
        }
      }
    }
    const executions = await startExecutions(sql, {
      ids: [...new Set(jobs.map((j) => j.job.execution_id))],
      reclaimedIds: jobs.filter((j) => j.entry.reclaimed).map((j) => j.job.execution_id),
      workerId: o.consumer,
      visibilityTimeoutSeconds: o.visibilityTimeoutSeconds,
    });
    const byId = new Map(executions.map((e) => [e.id, e]));
    const seen = new Set<string>();
    for (const { entry, job } of jobs) {
      const execution = byId.get(job.execution_id);
      const decision = decideDelivery(execution, entry.reclaimed, seen.has(job.execution_id));
      seen.add(job.execution_id);
      if (decision === "run") start(entry.id, execution!);
      else if (decision === "ack") {
        acks.push(entry.id);
        metrics.ignored.inc();
      } else if (decision === "reschedule") {
        await scheduleRetry(redis, names, job, execution!.due_at!);
        acks.push(entry.id);
      } else if (decision === "exhausted") {
        const last = execution!.previous_status === "running"
          ? `its worker stopped responding (no heartbeat for ${o.visibilityTimeoutSeconds} s)`
          : execution!.error ?? "no attempt left";
        const reason = `Gave up after ${execution!.attempts} of ${
          execution!.max_attempts
        } attempts: ${last}`;
        if (await failExhausted(sql, job.execution_id, reason, o.visibilityTimeoutSeconds)) {
          letters.push({ entryId: entry.id, fields: entry.fields!, reason });
          acks.push(entry.id);
          metrics.failed.inc();
          metrics.deadLettered.inc({ reason: "attempts" });
          log.error("Execution {execution_id} failed: {reason}", { ...job, reason });
        }
      }
    }
    await deadLetter(redis, names, letters);
    await ack(redis, names, acks);
  }

  function start(entryId: string, execution: Parameters<typeof executeRun>[0]["execution"]) {
    const lost = new AbortController();
    const done = executeRun({
      sql,
      redis,
      names,
      log,
      metrics,
      registry,
      egress,
      finisher,
      acker,
      entryId,
      execution,
      workerId: o.consumer,
      stop: AbortSignal.any([hardStop.signal, lost.signal]),
      options: o,
    }).catch((error) => log.error("Run of {id} failed: {error}", { id: execution.id, error }))
      .finally(() => {
        runs.delete(execution.id);
        metrics.inFlight.set(runs.size);
      });
    runs.set(execution.id, { entryId, lost, done });
    metrics.inFlight.set(runs.size);
  }

  /** One statement for every in-flight run; a run no longer ours is stopped. */
  async function heartbeat(): Promise<void> {
    const ids = [...runs.keys()];
    if (ids.length === 0) return;
    try {
      const rows = await sql<{ id: string }[]>`
        update pipeline_executions set heartbeat_at = now()
        where id = any(${ids}::uuid[]) and worker_id = ${o.consumer} and status = 'running'
        returning id`;
      const alive = new Set(rows.map((r) => r.id));
      for (const id of ids) if (!alive.has(id)) runs.get(id)?.lost.abort();
      const entryIds = [...alive].flatMap((id) => runs.get(id)?.entryId ?? []);
      await touch(redis, names, o.consumer, entryIds);
    } catch (error) {
      log.warn("Heartbeat failed: {error}", { error: errorMessage(error) });
    }
  }

  async function run(signal: AbortSignal): Promise<void> {
    const reader = redis.duplicate();
    const reclaim = createReclaimer(redis, names, o.consumer);
    const beat = setInterval(() => void heartbeat(), o.heartbeatSeconds * 1000);
    const reclaimEveryMs = Math.max(250, Math.min(visibilityMs / 2, 5000));
    let nextReclaim = 0;
    let nextPromote = 0;
    let failures = 0;
    let groupReady = false;
    log.info("Worker {consumer} started, concurrency {concurrency}", o);
    while (!signal.aborted) {
      try {
        if (!groupReady) groupReady = (await ensureGroup(redis, names), true);
        const free = o.concurrency - runs.size;
        if (free <= 0) {
          const wake = new AbortController();
          const timeout = sleep(60_000, AbortSignal.any([signal, wake.signal]));
          await Promise.race([...[...runs.values()].map((r) => r.done), timeout]);
          wake.abort();
          continue;
        }
        const now = Date.now();
        if (now >= nextPromote) {
          await promoteDueRetries(redis, names, now, { maxLength: o.streamMaxLength });
          nextPromote = now + o.blockMs;
        }
        let entries: StreamEntry[] = [];
        if (now >= nextReclaim) {
          entries = await reclaim(free, visibilityMs);
          metrics.reclaimed.inc({}, entries.length);
          if (entries.length < free) nextReclaim = now + reclaimEveryMs;
        }
        if (entries.length === 0) {
          entries = await readNew(reader, names, o.consumer, free, o.blockMs);
        }
        await handle(entries);
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        if (errorMessage(error).startsWith("NOGROUP")) groupReady = false;
        const delay = exponentialDelay(failures + 1, 250, 30_000);
        log.error("Worker loop failed ({failures} in a row), retrying in {delay} ms: {error}", {
          failures,
          delay,
          error: errorMessage(error),
        });
        await sleep(delay, signal);
      }
    }
    await drain();
    clearInterval(beat);
    reader.disconnect();
    log.info("Worker {consumer} stopped", o);
  }

  /** Lets in-flight runs finish until the deadline, then interrupts the rest (left pending). */
  async function drain(): Promise<void> {
    if (runs.size === 0) return;
    log.info("Shutting down: waiting up to {seconds} s for {count} runs", {
      seconds: o.shutdownDeadlineSeconds,
      count: runs.size,
    });
    const finished = new AbortController();
    const all = () => Promise.allSettled([...runs.values()].map((r) => r.done));
    await Promise.race([all(), sleep(o.shutdownDeadlineSeconds * 1000, finished.signal)]);
    finished.abort();
    if (runs.size > 0) {
      log.warn("Shutdown deadline passed: {count} runs left to be reclaimed", { count: runs.size });
      hardStop.abort();
      await all();
    }
  }

  return { run, metrics };
}
