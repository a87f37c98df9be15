/**
 * Backtest jobs in Postgres (migration 0024). A job is run by the API process that accepted it,
 * which touches its heartbeat while it runs. A job whose heartbeat is older than
 * {@linkcode BACKTEST_STALE_SECONDS} lost its process and is marked `interrupted`: at API
 * start-up for every such job, and whenever one is read.
 *
 * Interrupted, not resumed: a backtest is a pure function of its pipeline, bars and options, so
 * starting it again gives the same answer, and its owner can do that with one request. Resuming
 * on start-up would need the uploaded CSV kept (megabytes per job) and the pipeline as it was,
 * and would spend a fresh process's CPU on work nobody may still be waiting for.
 */
import type { Sql } from "../../shared/db.ts";

/** How often a running job's heartbeat is touched, in seconds. */
export const BACKTEST_HEARTBEAT_SECONDS = 5;
/** Age of a heartbeat after which its job counts as lost: six missed beats. */
export const BACKTEST_STALE_SECONDS = 30;
/** Finished jobs are kept this many days (pruned when the pipeline starts another). */
export const BACKTEST_KEEP_DAYS = 7;

/** What a job becomes when its process is gone. */
export const INTERRUPTED_ERROR =
  "The API process running this backtest stopped before it finished; start it again";

/** A job's status. */
export type BacktestStatus = "running" | "succeeded" | "failed" | "interrupted";

/** One job as stored. */
export interface BacktestJobRow {
  id: string;
  pipeline_id: string;
  owner_id: string;
  status: BacktestStatus;
  request: Record<string, unknown>;
  created_at: Date;
  finished_at: Date | null;
  error: string | null;
  result: unknown;
}

/**
 * Marks `running` jobs whose heartbeat is older than `staleSeconds` (default
 * {@linkcode BACKTEST_STALE_SECONDS}) as `interrupted`; only job `id` when given. Returns how many.
 */
export async function interruptLostBacktests(
  sql: Sql,
  options: { id?: string; staleSeconds?: number } = {},
): Promise<number> {
  const stale = options.staleSeconds ?? BACKTEST_STALE_SECONDS;
  // $1: stale seconds; $2: one job's id (optional)
  const rows = await sql`
    update backtest_jobs
    set status = 'interrupted', error = ${INTERRUPTED_ERROR}, finished_at = now()
    where status = 'running' and heartbeat_at < now() - make_interval(secs => ${stale})
      ${options.id ? sql`and id = ${options.id}` : sql``}
    returning id`;
  return rows.length;
}

/** Creates the store over `sql`. */
export function createBacktestStore(sql: Sql) {
  return {
    /** Records a new running job, pruning the pipeline's jobs finished long ago. */
    async create(job: Pick<BacktestJobRow, "id" | "pipeline_id" | "owner_id" | "request">) {
      await sql`
        delete from backtest_jobs where pipeline_id = ${job.pipeline_id}
          and finished_at < now() - make_interval(days => ${BACKTEST_KEEP_DAYS})`;
      const [row] = await sql<BacktestJobRow[]>`
        insert into backtest_jobs (id, pipeline_id, owner_id, request)
        values (${job.id}, ${job.pipeline_id}, ${job.owner_id}, ${sql.json(job.request as never)})
        returning *`;
      return row!;
    },

    /** Touches a running job's heartbeat. */
    async beat(id: string) {
      await sql`update backtest_jobs set heartbeat_at = now()
        where id = ${id} and status = 'running'`;
    },

    /**
     * Records a job's end; also over `interrupted`, when its process was only slow to beat (the
     * result is real).
     */
    async finish(
      id: string,
      end: { status: "succeeded"; result: unknown } | { status: "failed"; error: string },
    ) {
      await sql`
        update backtest_jobs
        set status = ${end.status}, finished_at = now(),
          result = ${end.status === "succeeded" ? sql.json(end.result as never) : null},
          error = ${end.status === "failed" ? end.error : null}
        where id = ${id} and status in ('running', 'interrupted')`;
    },

    /** The owner's job of one pipeline, after marking it interrupted if its process is gone. */
    async get(ownerId: string, pipelineId: string, id: string): Promise<BacktestJobRow | null> {
      await interruptLostBacktests(sql, { id });
      const [row] = await sql<BacktestJobRow[]>`
        select * from backtest_jobs
        where id = ${id} and owner_id = ${ownerId} and pipeline_id = ${pipelineId}`;
      return row ?? null;
    },
  };
}

/** The store's type. */
export type BacktestStore = ReturnType<typeof createBacktestStore>;
