/**
 * Ours as it is deployed: `processes` worker processes (`deno task worker`, LOG_LEVEL=warning as
 * every bench process) on one queue of no-op jobs. The clock is the database's: from the first
 * execution's `started_at` to the last one's `finished_at`, so process start-up is not counted.
 */
import type { Sql } from "../shared/db.ts";
import { freePort, type ServiceProcess, startService } from "../tests/fixtures/processes.ts";
import { waitUntil } from "./wait_until.ts";

/** Options of {@linkcode runWorkerProcesses}. */
export interface WorkerProcessesRun {
  sql: Sql;
  databaseUrl: string;
  redisPrefix: string;
  processes: number;
  concurrency: number;
  jobs: number;
  signal: AbortSignal;
}

/** Runs the queued jobs to the end with `processes` workers; returns jobs/s. */
export async function runWorkerProcesses(o: WorkerProcessesRun): Promise<number> {
  const workers: ServiceProcess[] = [];
  try {
    for (let i = 0; i < o.processes; i++) {
      workers.push(startService("worker", {
        DATABASE_URL: o.databaseUrl,
        REDIS_KEY_PREFIX: o.redisPrefix,
        WORKER_CONCURRENCY: String(o.concurrency),
        METRICS_PORT_WORKER: String(freePort()),
        LOG_LEVEL: "warning",
      }));
    }
    // The wait asks whether any run is unfinished, which the partial index of unfinished runs
    // answers at once; counting the succeeded rows instead read the whole table ten times a
    // second, and took a tenth of a core from the workers it measured.
    await waitUntil(`${o.jobs} runs to finish`, async () => {
      const [row] = await o.sql<[{ unfinished: boolean }]>`
        select exists (select from pipeline_executions where finished_at is null) as unfinished`;
      return row.unfinished ? undefined : true;
    }, { signal: o.signal, timeoutMs: 300_000, intervalMs: 100 });
    const [span] = await o.sql<[{ succeeded: number; seconds: number }]>`
      select count(*) filter (where status = 'succeeded')::int as succeeded,
        extract(epoch from max(finished_at) - min(started_at))::float8 as seconds
      from pipeline_executions`;
    if (span.succeeded !== o.jobs) {
      throw new Error(`${span.succeeded} of ${o.jobs} no-op runs succeeded`);
    }
    return Math.round(o.jobs / span.seconds);
  } catch (error) {
    for (const w of workers) console.error(`--- worker output ---\n${w.output().slice(-2000)}`);
    throw error;
  } finally {
    await Promise.all(workers.map((w) => w.stop(5000)));
  }
}
