/**
 * The retry schedule: a sorted set of executions waiting for their backoff, scored by due time in
 * epoch ms. Any worker promotes due members back onto the jobs stream, atomically (Lua), so two
 * workers never both re-enqueue one retry.
 */
import type { Redis } from "ioredis";
import { jobFields } from "../../shared/schemas/job.ts";
import { CONFIG_DEFAULTS } from "../../shared/config.ts";
import type { RedisNames } from "../../shared/names.ts";
import { RETRY_MEMBER_SEPARATOR, retryMember } from "../../shared/redis_codec.ts";

type Names = Pick<RedisNames, "jobsStream" | "retrySchedule">;

/** One execution to put on the schedule, due at `dueAt`. */
export interface ScheduledRetry {
  job: { execution_id: string; pipeline_id: string };
  dueAt: Date;
}

/**
 * Puts executions on the schedule in one ZADD (again: a member is one execution, its score is
 * updated).
 */
export async function scheduleRetries(
  redis: Redis,
  names: Names,
  retries: readonly ScheduledRetry[],
): Promise<void> {
  if (retries.length === 0) return;
  const pairs = retries.flatMap(({ job, dueAt }) => [
    dueAt.getTime(),
    retryMember(job),
  ]);
  await redis.zadd(names.retrySchedule, ...pairs);
}

// KEYS[1]: retry zset, KEYS[2]: jobs stream.
// ARGV[1]: now (epoch ms), ARGV[2]: most members to move, ARGV[3]: stream MAXLEN ~,
// ARGV[4]: the retry member's separator (see retryMember),
// ARGV[5..7]: the job's field names in order (execution_id, pipeline_id, enqueued_at).
// Returns how many members were moved.
const PROMOTE_SCRIPT = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, member in ipairs(due) do
  local sep = string.find(member, ARGV[4], 1, true)
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*',
    ARGV[5], string.sub(member, 1, sep - 1), ARGV[6], string.sub(member, sep + #ARGV[4]),
    ARGV[7], ARGV[1])
  redis.call('ZREM', KEYS[1], member)
end
return #due`;

/** Moves up to `limit` (default 500) due retries onto the jobs stream; returns how many. */
export async function promoteDueRetries(
  redis: Redis,
  names: Names,
  now: number,
  options: { limit?: number; maxLength?: number } = {},
): Promise<number> {
  const fieldNames = jobFields({ execution_id: "", pipeline_id: "", enqueued_at: 0 })
    .filter((_, i) => i % 2 === 0);
  const moved = await redis.eval(
    PROMOTE_SCRIPT,
    2,
    names.retrySchedule,
    names.jobsStream,
    now,
    options.limit ?? 500,
    options.maxLength ?? CONFIG_DEFAULTS.JOBS_STREAM_MAX_LENGTH,
    RETRY_MEMBER_SEPARATOR,
    ...fieldNames,
  );
  return Number(moved);
}
