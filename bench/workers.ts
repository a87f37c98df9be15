/**
 * Section 4, workers: no-op pipeline jobs/s, ours against BullMQ on the same Redis, alternating
 * run by run, same job count and concurrency, median of `runs` each. Both are at-least-once:
 * ours acknowledges an entry only after its execution is recorded in Postgres; BullMQ moves a
 * job to completed after its processor returns and re-delivers stalled ones.
 *
 * Ours: `jobs` queued executions of one `allow` pipeline with no steps are inserted by one
 * statement and XADDed beforehand; the clock runs from the worker's start to its last success.
 * Each run also measures ours as deployed, 1 and 2 worker processes (see worker_processes.ts),
 * right after BullMQ, so every figure of a run shares the machine's load of that moment.
 */
import { getLogger } from "@logtape/logtape";
import type { Logger } from "../shared/logging.ts";
import { connectPostgres } from "../shared/db.ts";
import { enqueueJobs } from "../shared/executions/enqueue.ts";
import { createWorker } from "../services/worker/worker.ts";
import { roundsPool, workerConnections } from "../services/worker/connections.ts";
import { CONFIG_DEFAULTS } from "../shared/config.ts";
import { createTestDatabase } from "../tests/fixtures/database.ts";
import { createTestRedis } from "../tests/fixtures/redis.ts";
import type { BenchArgs } from "./bench_args.ts";
import { insertBenchPipelines } from "./bench_pipelines.ts";
import { installBullmq, runBullmq } from "./bullmq_peer.ts";
import { median } from "./percentiles.ts";
import { waitUntil } from "./wait_until.ts";
import { runWorkerProcesses } from "./worker_processes.ts";

/** What the section measured. */
export interface WorkersResult {
  ours_jobs_per_s: number;
  bullmq_jobs_per_s: number;
  ratio: number;
  bullmq_version: string;
  jobs: number;
  concurrency: number;
  runs: { ours: number[]; bullmq: number[] };
  /** Worker processes (`deno task worker`) by count: median jobs/s, ÷ BullMQ's median, runs. */
  processes: Record<string, { jobs_per_s: number; ratio: number; runs: number[] }>;
}

/** Worker process counts measured in each run. */
const PROCESS_COUNTS = [1, 2];

/** Alternates ours and BullMQ `args.runs` times each. */
export async function runWorkers(
  args: BenchArgs,
  signal: AbortSignal,
  log: Logger,
): Promise<WorkersResult> {
  const bullmqVersion = await installBullmq();
  await using db = await createTestDatabase();
  await using redis = await createTestRedis();
  await insertBenchPipelines(db.sql, { count: 1, tickers: 1, overlapPolicy: "allow" });
  const [pipeline] = await db.sql<[{ id: string }]>`select id from pipelines`;
  // The worker's own pool and rounds connection, as `deno task worker` has them by default.
  const connections = workerConnections(CONFIG_DEFAULTS.DATABASE_POOL_SIZE, args.concurrency);
  const workerSql = connectPostgres(db.url, { max: connections.pool });
  const rounds = roundsPool(connections, workerSql, db.url, "tickwire");
  const runs = { ours: [] as number[], bullmq: [] as number[] };
  const processRuns = new Map(PROCESS_COUNTS.map((n) => [n, [] as number[]]));
  /** A fresh queue of `args.jobs` no-op jobs, in Postgres and on the stream. */
  const queueJobs = async (tag: string) => {
    await db.sql`truncate pipeline_executions cascade`;
    await redis.redis.del(redis.names.jobsStream);
    const executions = await db.sql<{ id: string; pipeline_id: string }[]>`
      insert into pipeline_executions (pipeline_id, trigger_kind, signal_id, signal)
      select ${pipeline.id}::uuid, 'signal', ${tag}::text || g,
        '{"ticker":"T0000","signal":"BULLISH","confidence":80}'::jsonb
      from generate_series(1, ${args.jobs}) as g
      returning id, pipeline_id`;
    for (let i = 0; i < executions.length; i += 5000) {
      await enqueueJobs(redis.redis, redis.names, executions.slice(i, i + 5000));
    }
  };
  try {
    for (let run = 0; run < args.runs && !signal.aborted; run++) {
      await queueJobs(`w${run}-`);
      const stop = new AbortController();
      const worker = createWorker({
        sql: workerSql,
        rounds,
        redis: redis.redis,
        names: redis.names,
        log: getLogger(["bench", "worker"]),
      }, { consumer: `bench-${run}`, concurrency: args.concurrency });
      const startMs = performance.now();
      const running = worker.run(stop.signal);
      const done = await waitUntil(
        `${args.jobs} runs to succeed`,
        () => Promise.resolve(worker.metrics.succeeded.get() >= args.jobs ? true : undefined),
        { signal, timeoutMs: 300_000, intervalMs: 5 },
      ).finally(() => stop.abort());
      await running;
      runs.ours.push(Math.round(args.jobs / ((done.atMs - startMs) / 1000)));

      runs.bullmq.push(
        await runBullmq({
          redisUrl: redis.url,
          prefix: `${redis.prefix}:bullmq`,
          queue: `bench-${run}`,
          jobs: args.jobs,
          concurrency: args.concurrency,
        }),
      );
      for (const processes of PROCESS_COUNTS) {
        await queueJobs(`w${run}-p${processes}-`);
        processRuns.get(processes)!.push(
          await runWorkerProcesses({
            sql: db.sql,
            databaseUrl: db.url,
            redisPrefix: redis.prefix,
            processes,
            concurrency: args.concurrency,
            jobs: args.jobs,
            signal,
          }),
        );
      }
      log.info(
        "Worker run {run}: ours {ours} jobs/s, BullMQ {bullmq} jobs/s, processes {processes}",
        {
          run: run + 1,
          ours: runs.ours.at(-1),
          bullmq: runs.bullmq.at(-1),
          processes: Object.fromEntries([...processRuns].map(([n, r]) => [n, r.at(-1)])),
        },
      );
    }
  } finally {
    await Promise.all([workerSql.end({ timeout: 2 }), rounds.end({ timeout: 2 })]);
  }
  const ours = median(runs.ours);
  const bullmq = median(runs.bullmq);
  return {
    ours_jobs_per_s: ours,
    bullmq_jobs_per_s: bullmq,
    ratio: Math.round((ours / bullmq) * 100) / 100,
    bullmq_version: bullmqVersion,
    jobs: args.jobs,
    concurrency: args.concurrency,
    runs,
    processes: Object.fromEntries(
      [...processRuns].map(([n, r]) => [n, {
        jobs_per_s: median(r),
        ratio: Math.round((median(r) / bullmq) * 100) / 100,
        runs: r,
      }]),
    ),
  };
}
