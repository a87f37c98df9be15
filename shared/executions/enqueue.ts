/** Puts claimed executions on the jobs stream: every XADD in one pipelined round trip. */
import type { Redis } from "ioredis";
import { CONFIG_DEFAULTS } from "../config.ts";
import { jobFields } from "../schemas/job.ts";
import type { RedisNames } from "../names.ts";

/** Options of {@linkcode enqueueJobs}. */
export interface EnqueueOptions {
  /** Approximate bound of the stream (XADD MAXLEN ~); default JOBS_STREAM_MAX_LENGTH's. */
  maxLength?: number;
}

/**
 * XADDs one job per execution; returns the stream entry ids. Trimming never loses a run: an
 * execution still queued whose entry was trimmed is found and re-enqueued by the sweep.
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
  const batch = redis.pipeline();
  for (const e of executions) {
    batch.xadd(
      names.jobsStream,
      "MAXLEN",
      "~",
      maxLength,
      "*",
      ...jobFields({ execution_id: e.id, pipeline_id: e.pipeline_id, enqueued_at: now }),
    );
  }
  const results = await batch.exec();
  if (!results) throw new Error("Cannot enqueue jobs: the Redis pipeline was discarded");
  return results.map(([error, id], i) => {
    if (error) {
      throw new Error(`Cannot enqueue execution "${executions[i]!.id}": ${error.message}`, {
        cause: error,
      });
    }
    return id as string;
  });
}
