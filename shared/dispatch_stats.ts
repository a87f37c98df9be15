/**
 * "Why didn't my pipeline run?": decision counters per pipeline and reason, aggregated in memory
 * per batch and added to the hash `names.dispatchStats` (field `<pipelineId>:<reason>`) in one
 * round trip per batch, never a row per signal. Counts are at-least-once: a batch Kafka delivers
 * again is counted again.
 */
import type { Redis } from "ioredis";
import type { RedisNames } from "./names.ts";
import { DISPATCH_STATS_FIELD_SEPARATOR } from "./redis_codec.ts";
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
 * decision, so no string is built per decision, and none per hash field either: the script that
 * adds them to Redis builds the field names, see {@linkcode recordDispatchStats}).
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

  /** The count of each reason over every pipeline. */
  totals(): Record<DispatchReason, number> {
    const sums = DISPATCH_REASONS.map(() => 0);
    this.#counts.forEach((counts) => {
      for (let i = 0; i < sums.length; i++) sums[i]! += counts[i]!;
    });
    return Object.fromEntries(DISPATCH_REASONS.map((r, i) => [r, sums[i]!])) as Record<
      DispatchReason,
      number
    >;
  }

  /**
   * The counters as the increment script's texts, each of about `maxFields` fields: per pipeline,
   * its id and then its count of each reason in the order of DISPATCH_REASONS, all separated by
   * spaces. Joined once per text: a burst's chunk has 100 000 pipelines, and a string built per
   * pipeline (or a concatenation per count) was most of the counters' garbage.
   */
  scriptTexts(maxFields: number): string[] {
    const texts: string[] = [];
    let words: (string | number)[] = [];
    let fields = 0;
    this.#counts.forEach((counts, pipelineId) => {
      words.push(pipelineId);
      for (let i = 0; i < DISPATCH_REASONS.length; i++) words.push(counts[i]!);
      for (let mask = counts[5]!; mask !== 0; mask &= mask - 1) fields++;
      if (fields >= maxFields) {
        texts.push(words.join(" "));
        words = [];
        fields = 0;
      }
    });
    if (words.length > 0) texts.push(words.join(" "));
    return texts;
  }

  /** Number of (pipeline, reason) fields. */
  get size(): number {
    return this.#size;
  }
}

// KEYS[1]: the stats hash. ARGV[1]: the separator of a field's pipeline id and reason; ARGV[2..n-1]:
// the reasons; ARGV[n]: words separated by spaces, per pipeline its id and then its count of each
// reason, in that order. A count of 0 adds no field. Returns the fields incremented.
const INCREMENT_SCRIPT = `
local separator = ARGV[1]
local reasons = #ARGV - 2
local fields = 0
local id = nil
local at = 0
for word in string.gmatch(ARGV[#ARGV], '%S+') do
  if at == 0 then
    id = word
  elseif word ~= '0' then
    redis.call('HINCRBY', KEYS[1], id .. separator .. ARGV[1 + at], word)
    fields = fields + 1
  end
  at = (at + 1) % (reasons + 1)
end
return fields`;

/** Fields per script call, about. */
const FIELDS_PER_CALL = 5_000;

/**
 * Adds a batch's counters to the stats hash in one round trip: one script call per 5 000 fields
 * instead of one HINCRBY each (a burst's chunk counts up to 200 000 fields). Each call carries
 * its counters as one text and the script builds the field names
 * (`dispatchStatsField`'s `<pipelineId>:<reason>`): as a field and an increment argument each, a
 * burst batch's counters made about 3 KB of garbage per pipeline in the dispatcher.
 */
export async function recordDispatchStats(
  redis: Redis,
  names: Pick<RedisNames, "dispatchStats">,
  stats: DispatchStats,
): Promise<void> {
  if (stats.size === 0) return;
  const calls: Promise<unknown>[] = [];
  for (const text of stats.scriptTexts(FIELDS_PER_CALL)) {
    calls.push(
      redis.eval(
        INCREMENT_SCRIPT,
        1,
        names.dispatchStats,
        DISPATCH_STATS_FIELD_SEPARATOR,
        ...DISPATCH_REASONS,
        text,
      ),
    );
  }
  try {
    await Promise.all(calls);
  } catch (error) {
    throw new Error(`Cannot record dispatch stats: ${errorMessage(error)}`, { cause: error });
  }
}
