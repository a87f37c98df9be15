/**
 * Sections 2 and 3, latency and database statements at paced rates. One `allow` pipeline per
 * ticker, so every signal yields exactly one job. Phase A per rate (dispatcher alone): signal
 * produced (`emitted_at`) → job on the stream (the XADD's entry id, Redis' clock), and the
 * statements the bench database committed (pg_stat_database), cross-checked with the
 * dispatcher's own statement counter. Phase B per rate (a worker process running the no-op
 * pipelines): signal produced → execution `started_at`. The highest rate of phase B lasts
 * `--e2e-seconds` (default 60): the end-to-end target, one dispatcher and one worker process. Its
 * backlog (signals produced, executions not started yet) is sampled every 5 s from the worker's
 * started counter, and the CPU of each process over the window says which one saturates a core
 * when the rate does not hold.
 */
import type { Logger } from "../shared/logging.ts";
import type { Sql } from "../shared/db.ts";
import { sleep } from "../shared/sleep.ts";
import type { BenchArgs } from "./bench_args.ts";
import { insertBenchPipelines } from "./bench_pipelines.ts";
import { type BenchProcess, type BenchStack, openBenchStack } from "./bench_stack.ts";
import { latencySummary } from "./percentiles.ts";
import { paceSignals } from "./signal_producer.ts";
import { waitUntil } from "./wait_until.ts";
import { type CpuUse, measureCpu, pidsByCommand } from "./process_cpu.ts";

/** Statements one rate cost the database. */
export interface StatementCount {
  /** Transactions committed (and rolled back) by the bench database: one per statement here. */
  statements: number;
  statements_per_s: number;
  statements_per_batch: number;
  batches: number;
  /** The dispatcher's `tickwire_dispatcher_db_statements_total` over the same window. */
  dispatcher_counted: number;
}

/** Signal → execution started at one rate, with the backlog and who used the CPU. */
export type StartedLatency = ReturnType<typeof latencySummary> & {
  /** Executions of the rate still not started when the bench stopped waiting (2 min after). */
  unstarted: number;
  /** Seconds the rate was paced. */
  seconds?: number;
  /** Signals produced but not started yet when the producer finished: the backlog at the end. */
  backlog?: number;
  /** The backlog every 5 s of the run, [seconds since start, backlog]. */
  backlog_samples?: [number, number][];
  /** p99 ≤ 150 ms and an end backlog under 150 ms of signals. */
  holds?: boolean;
  /**
   * CPU over the paced window, % of a core: dispatcher, worker, the Postgres backends of each,
   * Redis, Kafka (the broker: shared with whatever else uses it) and the bench (the producer).
   */
  cpu?: CpuUse;
  /** Signals/s the producer achieved (it falls behind on a loaded machine). */
  achieved_rate?: number;
  /**
   * CPU µs a signal cost each process: its CPU over what it got through in the window (signals
   * consumed for the dispatcher, its Postgres backends and Kafka; executions started for the
   * worker, its backends and Redis).
   */
  cpu_us_per_signal?: Record<string, number>;
  /**
   * The rate the machine's cores could carry if the system (all but the bench) had them to
   * itself: cores ÷ the CPU a signal costs. An upper bound: it assumes perfect packing.
   */
  cpu_bound_rate?: number;
};

/** What the section measured, by rate. */
export interface LatencyResult {
  latency: Record<string, ReturnType<typeof latencySummary>>;
  latency_started: Record<string, StartedLatency>;
  db: Record<string, StatementCount>;
  achieved_rate: Record<string, number>;
}

/**
 * Pg's count of committed + rolled back transactions of `database` (read from another db), once
 * it stopped moving: backends flush their counters a while after their last transaction.
 */
async function transactions(admin: Sql, database: string): Promise<number> {
  let last = -1;
  for (let i = 0; i < 15; i++) {
    await sleep(1000);
    const [row] = await admin<[{ n: string }]>`
      select xact_commit + xact_rollback as n from pg_stat_database where datname = ${database}`;
    const n = Number(row?.n ?? 0);
    if (n === last) return n;
    last = n;
  }
  return last;
}

/** Runs every rate, phase A then phase B, on one stack. */
export async function runLatency(
  args: BenchArgs,
  admin: Sql,
  signal: AbortSignal,
  log: Logger,
): Promise<LatencyResult> {
  await using stack = await openBenchStack();
  const { sql } = stack.db;
  await insertBenchPipelines(sql, {
    count: args.tickers,
    tickers: args.tickers,
    overlapPolicy: "allow",
  });
  const dispatcher = stack.startDispatcher(args.dispatcherEnv);
  const result: LatencyResult = { latency: {}, latency_started: {}, db: {}, achieved_rate: {} };
  let produced = 0;
  const pace = async (
    rate: number,
    idPrefix: string,
    seconds = args.seconds,
    progress?: { sent: number },
  ) => {
    const paced = await paceSignals(
      {
        kafka: stack.kafka.kafka,
        topic: stack.kafka.topic,
        idPrefix,
        tickers: args.tickers,
      },
      rate,
      seconds,
      signal,
      progress,
    );
    produced += paced.produced;
    await waitUntil(`${produced} offsets committed`, async () => {
      return (await stack.committedOffsets()) >= produced ? true : undefined;
    }, { signal, timeoutMs: 300_000, intervalMs: 50 });
    return paced;
  };
  try {
    // Ready, not only a Stable group: a new group's start is committed through a short-lived
    // member of its own, which makes the group Stable for a few seconds before the dispatcher
    // joins (the first signals then waited ~3 s, and p99 at 100/s read 2.9 s).
    await waitUntil("the dispatcher to consume", async () => {
      const m = await dispatcher.metrics();
      const indexed = m.get("tickwire_dispatcher_pipelines_indexed") === args.tickers;
      return indexed && (await dispatcher.ready()) ? true : undefined;
    }, { signal, timeoutMs: 60_000 });

    for (const rate of args.rates) {
      const lastEntry = await lastStreamId(stack);
      const before = await transactions(admin, stack.db.name);
      const m0 = await dispatcher.metrics();
      const paced = await pace(rate, `lat-${rate}-a`);
      const after = await transactions(admin, stack.db.name);
      const m1 = await dispatcher.metrics();
      const delta = (name: string) => (m1.get(name) ?? 0) - (m0.get(name) ?? 0);
      const statements = after - before;
      const batches = delta("tickwire_dispatcher_batch_size_count");
      result.achieved_rate[rate] = paced.achievedRate;
      result.db[rate] = {
        statements,
        statements_per_s: Math.round((statements / args.seconds) * 10) / 10,
        statements_per_batch: Math.round((statements / Math.max(1, batches)) * 100) / 100,
        batches,
        dispatcher_counted: delta("tickwire_dispatcher_db_statements_total"),
      };
      result.latency[rate] = latencySummary(
        await enqueueLatencies(stack, lastEntry, `lat-${rate}-a`),
      );
      log.info("Rate {rate}/s (achieved {achieved}): to enqueue {latency}, {db}", {
        rate,
        achieved: paced.achievedRate,
        latency: result.latency[rate],
        db: result.db[rate],
      });
    }

    // Phase A's jobs are not phase B's backlog: the worker starts on an empty stream.
    await sql`delete from pipeline_executions`;
    await stack.redis.redis.del(stack.redis.names.jobsStream);
    const worker = stack.startWorker(args.concurrency);
    await waitForWorker(worker, signal);
    const topRate = Math.max(...args.rates);
    for (const rate of args.rates) {
      const prefix = `lat-${rate}-b`;
      const seconds = rate === topRate ? args.e2eSeconds : args.seconds;
      const progress = { sent: 0 };
      const startedTotal = async () =>
        (await worker.metrics()).get("tickwire_worker_jobs_started_total") ?? 0;
      const started0 = await startedTotal();
      const consumedTotal = async () =>
        (await dispatcher.metrics()).get("tickwire_dispatcher_signals_consumed_total") ?? 0;
      const consumed0 = await consumedTotal();
      const backlog = async () => progress.sent - ((await startedTotal()) - started0);
      const samples: [number, number][] = [];
      const startMs = performance.now();
      const sampler = setInterval(() => {
        backlog().then((b) => samples.push([Math.round((performance.now() - startMs) / 1000), b]))
          .catch(() => {});
      }, 5000);
      const backends = async (application: string) =>
        (await sql<{ pid: number }[]>`
          select pid from pg_stat_activity
          where datname = current_database() and application_name = ${application}`)
          .map((r) => r.pid);
      const endCpu = await measureCpu({
        dispatcher: () => [dispatcher.child.pid],
        worker: () => [worker.child.pid],
        // Postgres backends by the service they serve (application_name tickwire-<service>).
        "postgres (dispatcher)": () => backends("tickwire-dispatcher"),
        "postgres (worker)": () => backends("tickwire-worker"),
        redis: () => pidsByCommand("redis-server"),
        kafka: () => pidsByCommand("kafka.Kafka"),
        bench: () => [Deno.pid],
      });
      let paced;
      try {
        paced = await pace(rate, prefix, seconds, progress);
      } finally {
        clearInterval(sampler);
      }
      const cpu = await endCpu();
      const windowS = (performance.now() - startMs) / 1000;
      // Each process's CPU over what it got through in the window: the dispatcher and Kafka per
      // signal consumed, the worker, Postgres and Redis per execution started.
      const consumedPerS = ((await consumedTotal()) - consumed0) / windowS;
      const startedPerS = ((await startedTotal()) - started0) / windowS;
      const perSignal = Object.fromEntries(
        Object.entries(cpu.by_process).map(([name, pct]) => {
          const perS = ["dispatcher", "postgres (dispatcher)", "kafka"].includes(name)
            ? consumedPerS
            : name === "bench"
            ? paced.achievedRate
            : startedPerS;
          return [name, Math.round((pct * 10_000) / Math.max(1, perS) * 10) / 10];
        }),
      );
      const systemUs = Object.entries(perSignal).filter(([name]) => name !== "bench")
        .reduce((sum, [, us]) => sum + us, 0);
      const backlogEnd = await backlog();
      const expected = rate * seconds;
      await waitUntil(`${expected} executions started`, async () => {
        const [row] = await sql<[{ n: number }]>`
          select count(*)::int as n from pipeline_executions
          where signal_id like ${prefix + "-%"} and started_at is not null`;
        return row.n >= expected ? true : undefined;
      }, { signal, timeoutMs: 120_000, intervalMs: 250 }).catch((error) => log.warn(String(error)));
      const rows = await sql<{ ms: number | null }[]>`
        select extract(epoch from started_at - signal_emitted_at) * 1000 as ms
        from pipeline_executions where signal_id like ${prefix + "-%"}`;
      const started = rows.flatMap((r) => r.ms === null ? [] : [Number(r.ms)]);
      const summary = latencySummary(started);
      result.latency_started[rate] = {
        ...summary,
        unstarted: expected - started.length,
        seconds,
        backlog: backlogEnd,
        backlog_samples: samples,
        holds: summary.p99_ms <= 150 && backlogEnd <= rate * 0.15,
        cpu,
        achieved_rate: paced.achievedRate,
        cpu_us_per_signal: perSignal,
        cpu_bound_rate: Math.round((cpu.cores * 1_000_000) / Math.max(1, systemUs)),
      };
      log.info("Rate {rate}/s for {seconds} s: to started {latency}", {
        rate,
        seconds,
        latency: result.latency_started[rate],
      });
    }
    return result;
  } catch (error) {
    log.error("Dispatcher output:\n{output}", { output: dispatcher.output().slice(-4000) });
    throw error;
  }
}

async function waitForWorker(worker: BenchProcess, signal: AbortSignal): Promise<void> {
  await waitUntil("the worker's metrics", async () => {
    await worker.metrics();
    return true;
  }, { signal, timeoutMs: 30_000, intervalMs: 100 });
}

async function lastStreamId(stack: BenchStack): Promise<string> {
  const [last] = await stack.redis.redis.xrevrange(
    stack.redis.names.jobsStream,
    "+",
    "-",
    "COUNT",
    1,
  );
  return last?.[0] ?? "0-0";
}

/**
 * Entry time (ms part of the id) minus `signal_emitted_at`, for the first entry of each execution
 * of this rate after `afterId` (the sweep re-enqueues earlier rates' jobs, left queued, later).
 */
async function enqueueLatencies(
  stack: BenchStack,
  afterId: string,
  idPrefix: string,
): Promise<number[]> {
  const { redis, names } = stack.redis;
  const enqueuedAt = new Map<string, number>();
  let from = `(${afterId}`;
  for (;;) {
    const entries = await redis.xrange(names.jobsStream, from, "+", "COUNT", 10_000);
    for (const [id, fields] of entries) {
      const i = fields.indexOf("execution_id");
      const executionId = i >= 0 ? fields[i + 1]! : undefined;
      if (executionId && !enqueuedAt.has(executionId)) {
        enqueuedAt.set(executionId, Number(id.split("-")[0]));
      }
    }
    if (entries.length < 10_000) break;
    from = `(${entries.at(-1)![0]}`;
  }
  const ids = [...enqueuedAt.keys()];
  const rows = await stack.db.sql<{ id: string; emitted_ms: number }[]>`
    select id, extract(epoch from signal_emitted_at) * 1000 as emitted_ms
    from pipeline_executions
    where id = any(${ids}::uuid[]) and signal_id like ${idPrefix + "-%"}`;
  return rows.map((r) => enqueuedAt.get(r.id)! - Number(r.emitted_ms));
}
