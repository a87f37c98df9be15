/**
 * Every write the worker makes per entry, group-committed: starts and outcomes share one
 * statement per round trip ({@linkcode runExecutionRound}); acknowledgements ride on the next
 * read; exhausted executions, retry schedules and dead letters of entries moving together share
 * one statement or one Redis command each, so no stage pays a round trip per entry. What the
 * rounds changed is announced to the live pages on Redis, a few rounds per message.
 */
import type { Logger } from "@logtape/logtape";
import { announceChanges } from "../../shared/announce_changes.ts";
import type { Sql } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import {
  createGroupCommit,
  type GroupCommit,
  type SharedGroupCommit,
} from "../../shared/group_commit.ts";
import type { RedisNames } from "../../shared/names.ts";
import type { Redis } from "../../shared/redis.ts";
import { type DeadLetter, deadLetter } from "./dead_letter.ts";
import { type DecidedDelivery, decideDeliveries, type JobEntry } from "./deliveries.ts";
import { runExecutionRound } from "./execution_round.ts";
import { type Exhausted, failExhaustedExecutions, type Finish } from "./finish_execution.ts";
import { ack } from "./job_stream.ts";
import { type ScheduledRetry, scheduleRetries } from "./retry_schedule.ts";

/** The worker's writes; each `submit` resolves when its batch landed. */
export interface BatchedWrites {
  /** Starts a job's execution (compare-and-set) and decides its delivery. */
  start: GroupCommit<JobEntry, DecidedDelivery>;
  /** Records an outcome; false when this worker no longer owns the execution. */
  finish: GroupCommit<Finish, boolean>;
  /** Fails an execution out of attempts; false when someone else owns it live. */
  failExhausted: GroupCommit<Exhausted, boolean>;
  reschedule: GroupCommit<ScheduledRetry, void>;
  deadLetter: GroupCommit<DeadLetter, void>;
  /** Acknowledgements: carried by the next read (`takeWaiting`), or sent alone after ACK_HOLD_MS. */
  ack: SharedGroupCommit<string, void>;
  /** The pipelines a round changed, published for the live pages after ANNOUNCE_HOLD_MS. */
  announce: GroupCommit<string[], void>;
}

/** Where the writes go. */
export interface BatchedWritesDeps {
  sql: Sql;
  redis: Redis;
  names: RedisNames;
  /** Where a failed announcement is told. */
  log: Logger;
}

/** Options of {@linkcode createBatchedWrites}. */
export interface BatchedWritesOptions {
  /** The worker's consumer name: `worker_id` of the executions it starts. */
  workerId: string;
  /** A running execution silent this long is abandoned (may be taken over or failed). */
  visibilityTimeoutSeconds: number;
}

/**
 * Longest an outcome waits for company (the next read's starts) before it is written alone; while
 * it waits, its entry holds one of the worker's 2 × concurrency outcome slots, not a run slot.
 */
export const FINISH_HOLD_MS = 20;

/**
 * Longest an acknowledgement waits to ride on the next read (XACK pipelined before XREADGROUP)
 * before it is sent alone. A busy worker reads every few ms, so its acks cost no round trip of
 * their own; an entry whose ack is lost (the process dies first) is reclaimed and acknowledged
 * then, its execution being finished.
 */
export const ACK_HOLD_MS = 50;

/**
 * Longest the pipelines a round changed wait for other rounds' before they are published: one
 * message per this long at most, not one per round (the live pages re-read what they show, so a
 * late or merged announcement shows the same rows).
 */
export const ANNOUNCE_HOLD_MS = 20;

type RoundItem = { start: JobEntry } | { finish: Finish };

/** Creates the writes. */
export function createBatchedWrites(
  { sql, redis, names, log }: BatchedWritesDeps,
  { workerId, visibilityTimeoutSeconds }: BatchedWritesOptions,
): BatchedWrites {
  const each = <I>(write: (items: I[]) => Promise<void>) => async (items: I[]) => {
    await write(items);
    return items.map(() => undefined);
  };
  const announce = createGroupCommit(
    each((changed: string[][]) => announceChanges(redis, names, changed.flat(), false)),
    { holdMs: () => ANNOUNCE_HOLD_MS },
  );
  // Two rounds may be out at once, so the starts of one read never wait for the previous round's
  // answer: on the worker's one-connection `rounds` pool the second is sent behind the first and
  // runs as soon as it commits (an execution in both, on a pool: the row lock orders them, and the
  // second sees the first's result).
  // An outcome waits up to FINISH_HOLD_MS for the next read's starts and goes with them: a run's
  // slot is free before its outcome is written, so the next read is usually under way, and one
  // statement then does both (half the statements and round trips per job, measured).
  const round = createGroupCommit(async (items: RoundItem[]) => {
    const jobs = items.flatMap((i) => "start" in i ? [i.start] : []);
    const finishes = items.flatMap((i) => "finish" in i ? [i.finish] : []);
    // Each execution's earliest enqueue time among its entries (the first put on the stream).
    const enqueued = new Map<string, number>();
    for (const { job } of jobs) {
      const earliest = Math.min(enqueued.get(job.execution_id) ?? Infinity, job.enqueued_at);
      enqueued.set(job.execution_id, earliest);
    }
    const start = jobs.length === 0 ? null : {
      ids: [...enqueued.keys()],
      enqueuedAtMs: [...enqueued.values()],
      reclaimedIds: jobs.filter((j) => j.entry.reclaimed).map((j) => j.job.execution_id),
      workerId,
      visibilityTimeoutSeconds,
    };
    // The round does not NOTIFY; its changes are published here. Dies before they are: a live
    // page shows those runs as they were until their next change or its next load. A failed
    // publish is logged and costs the round nothing.
    const { executions, owned, changed } = await runExecutionRound(sql, start, finishes, {
      notify: false,
    });
    if (changed.length > 0) {
      announce.submit(changed).catch((error) =>
        log.warn("Cannot announce execution changes: {error}", { error: errorMessage(error) })
      );
    }
    const decided = decideDeliveries(jobs, executions);
    let started = 0;
    let finished = 0;
    return items.map((i) => "start" in i ? decided[started++]! : owned[finished++]!);
  }, { maxInFlight: 2, holdMs: (item) => "finish" in item ? FINISH_HOLD_MS : 0 });
  return {
    start: { submit: (start) => round.submit({ start }) as Promise<DecidedDelivery> },
    finish: { submit: (finish) => round.submit({ finish }) as Promise<boolean> },
    failExhausted: createGroupCommit((exhausted: Exhausted[]) =>
      failExhaustedExecutions(sql, exhausted, visibilityTimeoutSeconds)
    ),
    reschedule: createGroupCommit(each((r: ScheduledRetry[]) => scheduleRetries(redis, names, r))),
    deadLetter: createGroupCommit(each((l: DeadLetter[]) => deadLetter(redis, names, l))),
    ack: createGroupCommit(each((ids: string[]) => ack(redis, names, ids)), {
      holdMs: () => ACK_HOLD_MS,
    }),
    announce,
  };
}
