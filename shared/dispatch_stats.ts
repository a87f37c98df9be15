/**
 * "Why didn't my pipeline run?": decision counters per pipeline and reason, aggregated in memory
 * per batch and added to the hash `names.dispatchStats` (field `<pipelineId>:<reason>`) with one
 * pipelined HINCRBY round trip per batch, never a row per signal. Counts are at-least-once: a
 * batch Kafka delivers again is counted again.
 */
import type { Redis } from "ioredis";
import type { RedisNames } from "./names.ts";
import { dispatchStatsField } from "./redis_codec.ts";

/** Reasons counted; every `matched` ends as `claimed` or `skipped_busy`. */
export const DISPATCH_REASONS = [
  "matched",
  "filtered",
  "stale",
  "skipped_busy",
  "claimed",
] as const;
export type DispatchReason = (typeof DISPATCH_REASONS)[number];

/** Counters of one batch. */
export class DispatchStats {
  #counts = new Map<string, number>();

  /** Adds `by` (default 1) to the pipeline's reason. */
  add(pipelineId: string, reason: DispatchReason, by = 1): void {
    if (by === 0) return;
    const field = dispatchStatsField(pipelineId, reason);
    this.#counts.set(field, (this.#counts.get(field) ?? 0) + by);
  }

  /** The count of one pipeline and reason. */
  get(pipelineId: string, reason: DispatchReason): number {
    return this.#counts.get(dispatchStatsField(pipelineId, reason)) ?? 0;
  }

  /** Hash fields and their increments. */
  fields(): IterableIterator<[string, number]> {
    return this.#counts.entries();
  }

  get size(): number {
    return this.#counts.size;
  }
}

/** Adds a batch's counters to the stats hash in one pipelined round trip. */
export async function recordDispatchStats(
  redis: Redis,
  names: Pick<RedisNames, "dispatchStats">,
  stats: DispatchStats,
): Promise<void> {
  if (stats.size === 0) return;
  const batch = redis.pipeline();
  for (const [field, by] of stats.fields()) batch.hincrby(names.dispatchStats, field, by);
  const results = await batch.exec();
  const failed = results?.find(([error]) => error);
  if (!results || failed) {
    throw new Error(
      `Cannot record dispatch stats: ${failed?.[0]?.message ?? "pipeline discarded"}`,
    );
  }
}
