/** Puts claimed executions on the jobs stream: every XADD in one round trip. */
import type { Redis } from "ioredis";
import { CONFIG_DEFAULTS } from "../config.ts";
import { errorMessage } from "../errors.ts";
import { jobFields } from "../schemas/job.ts";
import type { RedisNames } from "../names.ts";

/** Options of {@linkcode enqueueJobs}. */
export interface EnqueueOptions {
  /** Approximate bound of the stream (XADD MAXLEN ~); default JOBS_STREAM_MAX_LENGTH's. */
  maxLength?: number;
}

// KEYS[1]: jobs stream. ARGV[1]: MAXLEN ~; ARGV[2..4]: the job's field names in order
// (execution_id, pipeline_id, enqueued_at); ARGV[5]: enqueued_at (epoch ms); then one
// (execution id, pipeline id) pair per job. Returns the entry ids in order.
const ENQUEUE_SCRIPT = `
local ids = {}
for i = 6, #ARGV, 2 do
  ids[#ids + 1] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
    ARGV[2], ARGV[i], ARGV[3], ARGV[i + 1], ARGV[4], ARGV[5])
end
return ids`;

/** Jobs per script call: a burst's 10 000 jobs hold Redis for a few ms at a time, not 30. */
const JOBS_PER_CALL = 2_000;

/**
 * XADDs one job per execution; returns the stream entry ids. One script call per 2 000 jobs,
 * sent together: one command each instead of one per job (a burst's 10 000 pipelined XADDs
 * were as many command objects, promises and replies for the dispatcher to allocate and drop).
 * Trimming never loses a run: an execution still queued whose entry was trimmed is found and
 * re-enqueued by the sweep.
 */
export async function enqueueJobs(
  redis: Redis,
  names: Pick<RedisNames, "jobsStream">,
  executions: readonly { id: string; pipeline_id: string }[],
  options: EnqueueOptions = {},
): Promise<string[]> {
  if (executions.length === 0) return [];
  const maxLength = options.maxLength ?? CONFIG_DEFAULTS.JOBS_STREAM_MAX_LENGTH;
  const now = Date.now();
  const fieldNames = jobFields({ execution_id: "", pipeline_id: "", enqueued_at: now })
    .filter((_, i) => i % 2 === 0);
  const calls: Promise<unknown>[] = [];
  for (let from = 0; from < executions.length; from += JOBS_PER_CALL) {
    const args: (string | number)[] = [maxLength, ...fieldNames, now];
    for (const e of executions.slice(from, from + JOBS_PER_CALL)) args.push(e.id, e.pipeline_id);
    calls.push(redis.eval(ENQUEUE_SCRIPT, 1, names.jobsStream, ...args));
  }
  try {
    return (await Promise.all(calls)).flat() as string[];
  } catch (error) {
    throw new Error(`Cannot enqueue ${executions.length} jobs: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}
