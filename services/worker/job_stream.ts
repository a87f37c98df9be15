/**
 * The worker's side of the jobs stream: the consumer group, new deliveries (XREADGROUP), idle
 * entries of dead consumers (XAUTOCLAIM), acknowledgements, and keeping live entries fresh.
 */
import type { Redis } from "ioredis";
import type { RedisNames } from "../../shared/names.ts";

/** One stream entry handed to this consumer; `fields` is null when the entry was trimmed. */
export interface StreamEntry {
  id: string;
  fields: string[] | null;
  /** Came from XAUTOCLAIM (another consumer held it past the visibility timeout). */
  reclaimed: boolean;
}

type Names = Pick<RedisNames, "jobsStream" | "workersGroup">;
type RawEntry = [string, string[] | null];

/** Creates the group (and stream) if missing; the dispatcher's sweep does the same. */
export { ensureJobsGroup as ensureGroup } from "../../shared/executions/jobs_group.ts";

/**
 * Reads up to `count` new entries, blocking up to `blockMs` (use a connection of its own). `acks`
 * go first, in the same round trip (XACK pipelined before XREADGROUP); a failed XACK fails the read.
 * `onAcked` hears the XACK's own answer, which comes as soon as Redis has run it: the read's may
 * come `blockMs` later, when nothing arrives to read.
 */
export async function readNew(
  reader: Redis,
  names: Names,
  consumer: string,
  count: number,
  blockMs: number,
  acks: readonly string[] = [],
  onAcked: (error: Error | null) => void = () => {},
): Promise<StreamEntry[]> {
  const batch = reader.pipeline();
  if (acks.length > 0) {
    batch.xack(names.jobsStream, names.workersGroup, ...acks, (error) => onAcked(error ?? null));
  }
  batch.xreadgroup(
    "GROUP",
    names.workersGroup,
    consumer,
    "COUNT",
    count,
    "BLOCK",
    blockMs,
    "STREAMS",
    names.jobsStream,
    ">",
  );
  const results = await batch.exec();
  const failed = results?.find(([error]) => error);
  if (!results || failed) {
    throw failed?.[0] ?? new Error(`Cannot read "${names.jobsStream}": the pipeline was discarded`);
  }
  const reply = results.at(-1)![1] as [string, RawEntry[]][] | null;
  return (reply?.[0]?.[1] ?? []).map(([id, fields]) => ({ id, fields, reclaimed: false }));
}

/**
 * XAUTOCLAIM from any consumer: up to `count` entries idle at least `minIdleMs`, walking the
 * pending list with a cursor kept between calls. Entries trimmed from the stream come back with
 * `fields: null`.
 */
export function createReclaimer(redis: Redis, names: Names, consumer: string) {
  let cursor = "0-0";
  return async (count: number, minIdleMs: number): Promise<StreamEntry[]> => {
    const [next, entries, deleted] = await redis.xautoclaim(
      names.jobsStream,
      names.workersGroup,
      consumer,
      Math.ceil(minIdleMs),
      cursor,
      "COUNT",
      count,
    ) as [string, RawEntry[], string[] | undefined];
    cursor = next;
    // XAUTOCLAIM may report more deleted ids than `count` (it scans up to 10× as many); they are
    // already out of the pending list, so the ones past `count` need nothing.
    return [
      ...entries.map(([id, fields]) => ({ id, fields, reclaimed: true })),
      ...(deleted ?? []).map((id) => ({ id, fields: null, reclaimed: true })),
    ].slice(0, count);
  };
}

/** Acknowledges entries in one command. */
export async function ack(redis: Redis, names: Names, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await redis.xack(names.jobsStream, names.workersGroup, ...ids);
}

/** Resets the idle time of this consumer's live entries so no one reclaims them (XCLAIM JUSTID). */
export async function touch(
  redis: Redis,
  names: Names,
  consumer: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  await redis.xclaim(names.jobsStream, names.workersGroup, consumer, 0, ...ids, "JUSTID");
}
