/**
 * "Why didn't my pipeline run?": decision counters per pipeline and reason, aggregated in memory
 * per batch and added to the hash `names.dispatchStats` (field `<pipelineId>:<reason>`) in one
 * round trip per batch, never a row per signal. Counts are at-least-once: a batch Kafka delivers
 * again is counted again.
 */
import type { Redis } from "ioredis";
import type { RedisNames } from "./names.ts";
import { dispatchStatsField } from "./redis_codec.ts";
import { errorMessage } from "./errors.ts";

/** Reasons counted; every `matched` ends as `claimed` or `skipped_busy`. */
export const DISPATCH_REASONS = [
  "matched",
  "filtered",
  "stale",
  "skipped_busy",
  "claimed",
] as const;
export type DispatchReason = (typeof DISPATCH_REASONS)[number];

const REASON_INDEX = Object.fromEntries(DISPATCH_REASONS.map((r, i) => [r, i])) as Record<
  DispatchReason,
  number
>;

/**
 * Counters of one batch: per pipeline, one small array indexed by reason (a batch adds one per
 * decision, so no string is built per decision; the hash fields are built once, by `fields`).
 */
export class DispatchStats {
  /** Per pipeline: the count of each reason, then a bit mask of the reasons touched. */
  #counts = new Map<string, number[]>();
  #size = 0;

  /** Adds `by` (default 1) to the pipeline's reason. */
  add(pipelineId: string, reason: DispatchReason, by = 1): void {
    if (by === 0) return;
    let counts = this.#counts.get(pipelineId);
    if (!counts) this.#counts.set(pipelineId, counts = [0, 0, 0, 0, 0, 0]);
    const i = REASON_INDEX[reason];
    const bit = 1 << i;
    if ((counts[5]! & bit) === 0) {
      counts[5]! |= bit;
      this.#size++;
    }
    counts[i]! += by;
  }

  /** The count of one pipeline and reason. */
  get(pipelineId: string, reason: DispatchReason): number {
    return this.#counts.get(pipelineId)?.[REASON_INDEX[reason]] ?? 0;
  }

  /** Hash fields and their increments. */
  *fields(): IterableIterator<[string, number]> {
    for (const [pipelineId, counts] of this.#counts) {
      for (let i = 0; i < DISPATCH_REASONS.length; i++) {
        if (counts[5]! & (1 << i)) {
          yield [dispatchStatsField(pipelineId, DISPATCH_REASONS[i]!), counts[i]!];
        }
      }
    }
  }

  /** Number of (pipeline, reason) fields. */
  get size(): number {
    return this.#size;
  }
}

// KEYS[1]: the stats hash. ARGV: (field, increment) pairs.
const INCREMENT_SCRIPT = `
for i = 1, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
return #ARGV / 2`;

/** Fields per script call. */
const FIELDS_PER_CALL = 5_000;

/**
 * Adds a batch's counters to the stats hash in one round trip: one script call per 5 000 fields
 * instead of one HINCRBY each (a burst's chunk counts up to 20 000 fields).
 */
export async function recordDispatchStats(
  redis: Redis,
  names: Pick<RedisNames, "dispatchStats">,
  stats: DispatchStats,
): Promise<void> {
  if (stats.size === 0) return;
  const calls: Promise<unknown>[] = [];
  let args: (string | number)[] = [];
  const send = () => {
    calls.push(redis.eval(INCREMENT_SCRIPT, 1, names.dispatchStats, ...args));
    args = [];
  };
  for (const [field, by] of stats.fields()) {
    args.push(field, by);
    if (args.length >= 2 * FIELDS_PER_CALL) send();
  }
  if (args.length > 0) send();
  try {
    await Promise.all(calls);
  } catch (error) {
    throw new Error(`Cannot record dispatch stats: ${errorMessage(error)}`, { cause: error });
  }
}
