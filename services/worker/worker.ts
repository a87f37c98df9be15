/**
 * A worker: reads jobs as one consumer of the `pipeline-workers` group, starts their executions
 * in one compare-and-set per batch, runs up to `concurrency` pipelines at once, heartbeats them,
 * reclaims entries of dead consumers, promotes due retries, and drains on shutdown.
 *
 * It is a pipeline of stages that never wait on each other's round trips:
 * read ({@linkcode runReadLoop}) → start (one compare-and-set per group of deliveries) → run
 * ({@linkcode executeRun}) → record, all writes group-committed ({@linkcode createBatchedWrites}).
 * The read loop reads again as soon as a slot is free; the starts of entries just read and the
 * outcomes of runs just ended go in one statement, acks ride on the next read, and retries and
 * dead letters of entries moving together share one Redis round trip each.
 *
 * Slots: an entry holds a run slot from its read (start still in flight) until its run is over,
 * so at most `concurrency` pipelines run at once and never more are read than can run; it holds a
 * second slot until its outcome is written, bounding the entries in flight to 2 × `concurrency`.
 * A run frees its run slot before its outcome lands, so the next run need not wait on that write.
 */
import type { Logger } from "@logtape/logtape";
import type { Agent } from "../../shared/agents/agent.ts";
import { agentRegistry } from "../../shared/agents/registry.ts";
import { type Sql } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import { type EgressPolicy, egressPolicy } from "../../shared/egress/egress_policy.ts";
import type { RedisNames } from "../../shared/names.ts";
import { duplicateRedis, type Redis } from "../../shared/redis.ts";
import { sleep } from "../../shared/sleep.ts";
import { CONFIG_DEFAULTS } from "../../shared/config.ts";
import { createBatchedWrites } from "./batched_writes.ts";
import { exhaustedReason, type JobEntry, sortEntries } from "./deliveries.ts";
import { executeRun } from "./execute_run.ts";
import { createReclaimer, ensureGroup, readNew, type StreamEntry, touch } from "./job_stream.ts";
import { type WorkerMetrics, workerMetrics } from "./metrics.ts";
import { runReadLoop } from "./read_loop.ts";
import { pruneIdleConsumers } from "./prune_consumers.ts";
import { promoteDueRetries } from "./retry_schedule.ts";
import { createSlots } from "./slots.ts";
import type { DeliveredExecution } from "./start_executions.ts";

/** What a worker is given. */
export interface WorkerDeps {
  sql: Sql;
  /**
   * A pool of ONE connection for the start and outcome rounds; default `sql`. On one connection
   * postgres.js sends a round while the previous one is still on the server (pipelining), so
   * Postgres runs the rounds back to back on one backend while the worker handles the answer of
   * the one before. Through a pool each round takes a connection of its own instead, and two
   * rounds at once on two backends contend for the same pages and slowed each other (measured:
   * 40 µs of Postgres CPU per job pipelined, up to 70 µs on two backends).
   */
  rounds?: Sql;
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
  /**
   * Consumers of the group idle this long with nothing pending are deleted (killed workers);
   * default 10 × the visibility timeout.
   */
  pruneIdleConsumersSeconds?: number;
}

/** A worker; `run` returns after shutdown when `signal` aborts. */
export interface Worker {
  run(signal: AbortSignal): Promise<void>;
  metrics: WorkerMetrics;
}

interface InFlight {
  entryId: string;
  /** Stops the run: its execution is no longer ours, or the shutdown deadline passed. */
  stop: AbortController;
}

/** Creates a worker; nothing happens until `run`. */
export function createWorker(deps: WorkerDeps, options: WorkerOptions): Worker {
  const { sql, redis, names, log } = deps;
  const metrics = deps.metrics ?? workerMetrics();
  const registry = deps.registry ?? agentRegistry;
  const egress = deps.egress ?? egressPolicy("");
  const d = CONFIG_DEFAULTS;
  const o = {
    concurrency: d.WORKER_CONCURRENCY,
    visibilityTimeoutSeconds: d.WORKER_VISIBILITY_TIMEOUT_SECONDS,
    heartbeatSeconds: d.WORKER_HEARTBEAT_SECONDS,
    shutdownDeadlineSeconds: d.WORKER_SHUTDOWN_DEADLINE_SECONDS,
    stepTimeoutSeconds: d.WORKER_STEP_TIMEOUT_SECONDS,
    retryBaseSeconds: d.WORKER_RETRY_BASE_SECONDS,
    retryMaxSeconds: d.WORKER_RETRY_MAX_SECONDS,
    streamMaxLength: d.JOBS_STREAM_MAX_LENGTH,
    blockMs: 500,
    ...options,
  };
  const visibilityMs = o.visibilityTimeoutSeconds * 1000;
  const writes = createBatchedWrites({ sql: deps.rounds ?? sql, redis, names, log }, {
    workerId: o.consumer,
    visibilityTimeoutSeconds: o.visibilityTimeoutSeconds,
  });
  const runSlots = createSlots(o.concurrency);
  const heldSlots = createSlots(2 * o.concurrency);
  /** Executions this worker holds (running, or outcome being written): heartbeats cover them. */
  const runs = new Map<string, InFlight>();
  const deliveries = new Set<Promise<void>>();
  /** The shutdown deadline passed: every run held is stopped, and any run starting after too. */
  let hardStopped = false;
  const release = () => {
    runSlots.release();
    heldSlots.release();
  };

  /** Stage 2 for one read: dead letters and acks, then each job's start and delivery. */
  function deliver(entries: StreamEntry[]): Promise<void> {
    const { jobs, acks, letters } = sortEntries(entries);
    for (const letter of letters) {
      metrics.deadLettered.inc({ reason: "malformed" });
      log.error(letter.reason);
    }
    const delivery = Promise.all([
      ...letters.map((l) =>
        writes.deadLetter.submit(l).then(() => writes.ack.submit(l.entryId)).finally(release)
      ),
      ...acks.map((id) => writes.ack.submit(id).finally(release)),
      ...jobs.map(deliverJob),
    ]).then(() => {});
    deliveries.add(delivery);
    return delivery.finally(() => deliveries.delete(delivery));
  }

  async function deliverJob(j: JobEntry): Promise<void> {
    let decided;
    try {
      decided = await writes.start.submit(j);
    } catch (error) {
      // Not started: the entry stays pending and is reclaimed after the visibility timeout.
      release();
      throw error;
    }
    if (decided.delivery === "run") return runExecution(j.entry.id, decided.execution);
    try {
      await carryOut(j, decided.delivery, decided.execution);
    } finally {
      release();
    }
  }

  async function carryOut(
    { entry, job }: JobEntry,
    delivery: "ack" | "reschedule" | "exhausted" | "leave",
    execution: DeliveredExecution | undefined,
  ): Promise<void> {
    if (delivery === "ack") {
      metrics.ignored.inc();
      await writes.ack.submit(entry.id);
    } else if (delivery === "reschedule") {
      await writes.reschedule.submit({ job, dueAt: execution!.due_at! });
      await writes.ack.submit(entry.id);
    } else if (delivery === "exhausted") {
      const reason = exhaustedReason(execution!, o.visibilityTimeoutSeconds);
      if (await writes.failExhausted.submit({ id: job.execution_id, reason })) {
        await writes.deadLetter.submit({ entryId: entry.id, fields: entry.fields, reason });
        await writes.ack.submit(entry.id);
        metrics.failed.inc();
        metrics.deadLettered.inc({ reason: "attempts" });
        log.error("Execution {execution_id} failed: {reason}", { ...job, reason });
      }
    }
  }

  /** Stages 3 and 4: runs a started execution, then records its outcome. */
  async function runExecution(entryId: string, execution: DeliveredExecution): Promise<void> {
    let running = true;
    const ran = () => {
      if (!running) return;
      running = false;
      runSlots.release();
    };
    // Once the outcome is recorded the entry holds no slot while its ack waits for the next read
    // (a read that waited for that slot would wait for itself), and needs no heartbeat.
    let held = true;
    const recorded = () => {
      if (!held) return;
      held = false;
      heldSlots.release();
      runs.delete(execution.id);
      metrics.inFlight.set(runs.size);
    };
    // One controller per run, aborted by a lost heartbeat or by the hard stop (which aborts every
    // run held, and this one at once if it began after): AbortSignal.any per run cost a weak
    // reference and a finalizer per job.
    const stop = new AbortController();
    if (hardStopped) stop.abort();
    runs.set(execution.id, { entryId, stop });
    metrics.inFlight.set(runs.size);
    try {
      await executeRun({
        sql,
        log,
        metrics,
        registry,
        egress,
        writes,
        entryId,
        execution,
        workerId: o.consumer,
        stop: stop.signal,
        ran,
        recorded,
        options: o,
      });
    } catch (error) {
      log.error("Run of {id} failed: {error}", { id: execution.id, error });
    } finally {
      ran();
      recorded();
    }
  }

  /** One statement for every execution held; a run no longer ours is stopped. */
  async function heartbeat(): Promise<void> {
    const ids = [...runs.keys()];
    if (ids.length === 0) return;
    try {
      const rows = await sql<{ id: string }[]>`
        update pipeline_executions set heartbeat_at = now()
        where id = any(${ids}::uuid[]) and worker_id = ${o.consumer} and status = 'running'
        returning id`;
      const alive = new Set(rows.map((r) => r.id));
      for (const id of ids) if (!alive.has(id)) runs.get(id)?.stop.abort();
      const entryIds = [...alive].flatMap((id) => runs.get(id)?.entryId ?? []);
      await touch(redis, names, o.consumer, entryIds);
    } catch (error) {
      log.warn("Heartbeat failed: {error}", { error: errorMessage(error) });
    }
  }

  async function run(signal: AbortSignal): Promise<void> {
    const reader = duplicateRedis(redis, log);
    const reclaim = createReclaimer(redis, names, o.consumer);
    const beat = setInterval(() => void heartbeat(), o.heartbeatSeconds * 1000);
    const reclaimEveryMs = Math.max(250, Math.min(visibilityMs / 2, 5000));
    let nextReclaim = 0;
    const pruneIdleMs = (o.pruneIdleConsumersSeconds ?? 10 * o.visibilityTimeoutSeconds) * 1000;
    let nextPrune = 0;
    let nextPromote = 0;
    let groupReady = false;
    /** Stage 1's source: due retries promoted, then reclaimed entries first, else new ones. */
    async function read(count: number): Promise<StreamEntry[]> {
      if (!groupReady) groupReady = (await ensureGroup(redis, names), true);
      const now = Date.now();
      if (now >= nextPromote) {
        await promoteDueRetries(redis, names, now, { maxLength: o.streamMaxLength });
        nextPromote = now + o.blockMs;
      }
      if (now >= nextPrune) {
        nextPrune = now + Math.min(pruneIdleMs / 2, 60_000);
        await pruneConsumers(pruneIdleMs);
      }
      if (now >= nextReclaim) {
        const reclaimed = await reclaim(count, visibilityMs);
        metrics.reclaimed.inc({}, reclaimed.length);
        if (reclaimed.length < count) nextReclaim = now + reclaimEveryMs;
        if (reclaimed.length > 0) return reclaimed;
      }
      // Acks waiting for company go with this read, and are done when Redis answers the XACK,
      // not when the read returns (up to blockMs later on a quiet stream). If the XACK fails, so
      // do they (their entries stay pending, to be reclaimed and acknowledged then: their
      // executions are finished).
      const acks = writes.ack.takeWaiting();
      const acked = (error: Error | null) =>
        error ? acks.reject(error) : acks.resolve(acks.items.map(() => undefined));
      try {
        return await readNew(reader, names, o.consumer, count, o.blockMs, acks.items, acked);
      } catch (error) {
        acks.reject(error);
        throw error;
      }
    }
    log.info("Worker {consumer} started, concurrency {concurrency}", o);
    await runReadLoop({
      pools: [runSlots, heldSlots],
      // Half the slots per read, so that two rounds take turns: while Postgres runs the starts of
      // one half, the worker runs the other half's pipelines and builds its outcomes. A read of
      // every slot left both idle in turn, each waiting on the other (0.95 of the 2 cores busy;
      // reads of half with pipelined rounds: 1.3, and 1.25× the jobs/s).
      maxPerRead: Math.ceil(o.concurrency / 2),
      read,
      deliver,
      onError(error, failures, delay) {
        if (errorMessage(error).startsWith("NOGROUP")) groupReady = false;
        log.error("Worker loop failed ({failures} in a row), retrying in {delay} ms: {error}", {
          failures,
          delay,
          error: errorMessage(error),
        });
      },
    }, signal);
    await drain();
    clearInterval(beat);
    reader.disconnect();
    log.info("Worker {consumer} stopped", o);
  }

  /** Deletes consumers of killed workers; a failure only delays it to the next round. */
  async function pruneConsumers(idleMs: number): Promise<void> {
    try {
      const pruned = await pruneIdleConsumers(redis, names, { idleMs, keep: o.consumer });
      if (pruned.length > 0) {
        log.info("Removed {count} idle consumers from the group: {names}", {
          count: pruned.length,
          names: pruned.join(", "),
        });
      }
    } catch (error) {
      log.warn("Cannot prune idle consumers: {error}", { error: errorMessage(error) });
    }
  }

  /** Lets deliveries in flight finish until the deadline, then interrupts the rest (left pending). */
  async function drain(): Promise<void> {
    if (deliveries.size === 0) return;
    log.info("Shutting down: waiting up to {seconds} s for {count} runs", {
      seconds: o.shutdownDeadlineSeconds,
      count: runs.size,
    });
    const finished = new AbortController();
    const all = () => Promise.allSettled([...deliveries]);
    await Promise.race([all(), sleep(o.shutdownDeadlineSeconds * 1000, finished.signal)]);
    finished.abort();
    if (deliveries.size > 0) {
      log.warn("Shutdown deadline passed: {count} runs left to be reclaimed", { count: runs.size });
      hardStopped = true;
      for (const run of runs.values()) run.stop.abort();
      await all();
    }
  }

  return { run, metrics };
}
