/** The workers' consumer group on the jobs stream, created (with the stream) where missing. */
import type { Redis } from "ioredis";
import type { RedisNames } from "../names.ts";

/**
 * Creates the group (and the stream) if missing, reading from the stream's start; an existing
 * group is kept as is. Returns whether it was created.
 */
export async function ensureJobsGroup(
  redis: Redis,
  names: Pick<RedisNames, "jobsStream" | "workersGroup">,
): Promise<boolean> {
  try {
    await redis.xgroup("CREATE", names.jobsStream, names.workersGroup, "0", "MKSTREAM");
    return true;
  } catch (error) {
    if (String((error as Error).message).startsWith("BUSYGROUP")) return false;
    throw error;
  }
}
