/**
 * Repairing the jobs stream when it loses entries that queued executions still need: the stream
 * deleted (or flushed), or trimmed past entries no worker has read. Run by every sweep, so the
 * loss is repaired within one or two sweep intervals instead of waiting for the age rule
 * (SWEEP_MIN_AGE_SECONDS) or, for running work, the abandoned rule.
 *
 * 1. The workers' group is created if missing (at the stream's start, so nothing added since is
 *    skipped); workers recreate it too, on NOGROUP.
 * 2. Stream ids grow with Redis' clock, so no entry older than the stream's first one can still be
 *    there: a queued, due execution enqueued before that time (or more than LATE_MS ago, when the
 *    stream is empty) is a candidate. Its entry may still exist if its XADD came later than its claim, so the head
 *    of the stream, up to the newest candidate plus LATE_MS, is read, and only candidates with no
 *    entry there are enqueued again. An XADD later than that (during a Redis outage) gives a
 *    second entry, which the worker's compare-and-set makes harmless.
 * 3. The repaired rows get enqueued_at = now() in a statement that re-checks the cutoff, so two
 *    dispatchers repairing at once enqueue each execution once, and the next sweep finds nothing.
 * It assumes Postgres' and Redis' clocks agree to well within LATE_MS.
 */
import type { Sql } from "../../shared/db.ts";
import { ensureJobsGroup } from "../../shared/executions/jobs_group.ts";
import type { RedisNames } from "../../shared/names.ts";
import type { Redis } from "../../shared/redis.ts";

/** How much later than its claim an execution's entry may be and still be found. */
const LATE_MS = 2000;

/** Entries of the stream's head read to look for candidates' entries. */
const HEAD_COUNT = 10_000;

/** A job to put back on the stream. */
export interface RepairedJob {
  id: string;
  pipeline_id: string;
}

/** Finds queued executions whose stream entries are gone and marks them; returns them to XADD. */
export async function findLostJobs(
  sql: Sql,
  redis: Redis,
  names: Pick<RedisNames, "jobsStream" | "workersGroup">,
  limit: number,
): Promise<RepairedJob[]> {
  await ensureJobsGroup(redis, names);
  const [first] = await redis.xrange(names.jobsStream, "-", "+", "COUNT", 1);
  const firstMs = first ? Number(first[0].split("-")[0]) : null;
  // $1: time of the stream's first entry (null: the stream is empty; then anything older than
  // LATE_MS, so a claim whose XADD is on its way is left alone); $2: LATE_MS; $3: row limit.
  const candidates = await sql<(RepairedJob & { at_ms: number; cutoff: Date })[]>`
    with cutoff as (
      select coalesce(to_timestamp(${firstMs}::float8 / 1000),
                      now() - make_interval(secs => ${LATE_MS / 1000})) as at
    )
    select id, pipeline_id, cutoff.at as cutoff,
           extract(epoch from coalesce(enqueued_at, queued_at)) * 1000 as at_ms
    from pipeline_executions, cutoff
    where finished_at is null and status = 'queued'
      and (enqueued_at is null or enqueued_at <= now())
      and coalesce(enqueued_at, queued_at) < cutoff.at
    order by queued_at
    limit ${limit}`;
  if (candidates.length === 0) return [];
  const present = new Set<string>();
  if (first) {
    const newestMs = Math.max(...candidates.map((c) => Number(c.at_ms)));
    const head = await redis.xrange(
      names.jobsStream,
      first[0],
      String(Math.floor(newestMs) + LATE_MS),
      "COUNT",
      HEAD_COUNT,
    );
    for (const [, fields] of head) {
      const at = fields.indexOf("execution_id");
      if (at >= 0 && fields[at + 1]) present.add(fields[at + 1]!);
    }
  }
  const lost = candidates.filter((c) => !present.has(c.id)).map((c) => c.id);
  if (lost.length === 0) return [];
  // $1: lost execution ids; $2: the cutoff the candidates were chosen by.
  return [
    ...await sql<RepairedJob[]>`
    update pipeline_executions set enqueued_at = now()
    where id = any(${lost}::uuid[]) and status = 'queued'
      and coalesce(enqueued_at, queued_at) < ${candidates[0]!.cutoff}
    returning id, pipeline_id`,
  ];
}
