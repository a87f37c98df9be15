/**
 * What a statement changed, told to the live pages on Redis pub/sub. The dispatcher's claim and
 * the worker's start and outcome rounds do not NOTIFY (every NOTIFY costs each LISTEN backend of
 * the database a transaction, and the trigger cost the round's own backend 60-140 µs; see
 * migrations 0025 and 0028): their writers announce here instead. The payloads
 * are those of the NOTIFY channels, so the API's live hub handles both the same way.
 */
import type { RedisNames } from "./names.ts";
import type { Redis } from "./redis.ts";

/** Most pipeline ids in one execution-changes message, as in the NOTIFY (migration 0014). */
export const IDS_PER_MESSAGE = 200;

/** The execution-changes payloads for `pipelineIds`: each id once, comma-separated. */
export function executionChangePayloads(pipelineIds: Iterable<string>): string[] {
  const ids = [...new Set(pipelineIds)];
  const payloads: string[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_MESSAGE) {
    payloads.push(ids.slice(i, i + IDS_PER_MESSAGE).join(","));
  }
  return payloads;
}

/**
 * Publishes the pipelines whose executions changed and, when `signalLogGrew`, that the signal log
 * grew: one pipelined round trip, none when there is nothing to say.
 */
export async function announceChanges(
  redis: Redis,
  names: Pick<RedisNames, "executionChanges" | "signalLogChanges">,
  pipelineIds: Iterable<string>,
  signalLogGrew: boolean,
): Promise<void> {
  const payloads = executionChangePayloads(pipelineIds);
  if (payloads.length === 0 && !signalLogGrew) return;
  const batch = redis.pipeline();
  for (const payload of payloads) batch.publish(names.executionChanges, payload);
  if (signalLogGrew) batch.publish(names.signalLogChanges, "");
  const results = await batch.exec();
  const failed = results?.find(([error]) => error);
  if (!results || failed) {
    throw new Error(`Cannot announce changes: ${failed?.[0]?.message ?? "pipeline discarded"}`);
  }
}
