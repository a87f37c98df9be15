/**
 * Every write the worker makes per entry, group-committed: outcomes, exhausted executions, retry
 * schedules, dead letters and acknowledgements of entries finishing together share one statement
 * or one Redis command, so no stage pays a round trip per entry.
 */
import type { Sql } from "../../shared/db.ts";
import { createGroupCommit, type GroupCommit } from "../../shared/group_commit.ts";
import type { RedisNames } from "../../shared/names.ts";
import type { Redis } from "../../shared/redis.ts";
import { type DeadLetter, deadLetter } from "./dead_letter.ts";
import {
  type Exhausted,
  failExhaustedExecutions,
  type Finish,
  finishExecutions,
} from "./finish_execution.ts";
import { ack } from "./job_stream.ts";
import { type ScheduledRetry, scheduleRetries } from "./retry_schedule.ts";

/** The worker's writes; each `submit` resolves when its batch landed. */
export interface BatchedWrites {
  /** Records an outcome; false when this worker no longer owns the execution. */
  finish: GroupCommit<Finish, boolean>;
  /** Fails an execution out of attempts; false when someone else owns it live. */
  failExhausted: GroupCommit<Exhausted, boolean>;
  reschedule: GroupCommit<ScheduledRetry, void>;
  deadLetter: GroupCommit<DeadLetter, void>;
  ack: GroupCommit<string, void>;
}

/** Creates the writes; `staleAfterSeconds` is the visibility timeout. */
export function createBatchedWrites(
  sql: Sql,
  redis: Redis,
  names: RedisNames,
  staleAfterSeconds: number,
): BatchedWrites {
  const each = <I>(write: (items: I[]) => Promise<void>) => async (items: I[]) => {
    await write(items);
    return items.map(() => undefined);
  };
  return {
    finish: createGroupCommit((finishes: Finish[]) => finishExecutions(sql, finishes)),
    failExhausted: createGroupCommit((exhausted: Exhausted[]) =>
      failExhaustedExecutions(sql, exhausted, staleAfterSeconds)
    ),
    reschedule: createGroupCommit(each((r: ScheduledRetry[]) => scheduleRetries(redis, names, r))),
    deadLetter: createGroupCommit(each((l: DeadLetter[]) => deadLetter(redis, names, l))),
    ack: createGroupCommit(each((ids: string[]) => ack(redis, names, ids))),
  };
}
