/** The dead-letter stream: jobs that cannot run (malformed, or out of attempts), with the reason. */
import type { Redis } from "ioredis";
import type { RedisNames } from "../../shared/names.ts";

/** One dead letter: the original entry's id and fields, and why. */
export interface DeadLetter {
  entryId: string;
  fields: readonly string[];
  reason: string;
}

/** XADDs every letter in one round trip (never trimmed: an operator reads and clears it). */
export async function deadLetter(
  redis: Redis,
  names: Pick<RedisNames, "deadLetterStream">,
  letters: readonly DeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  const batch = redis.pipeline();
  const failedAt = new Date().toISOString();
  for (const l of letters) {
    batch.xadd(
      names.deadLetterStream,
      "*",
      ...l.fields,
      "source_entry_id",
      l.entryId,
      "reason",
      l.reason,
      "failed_at",
      failedAt,
    );
  }
  const results = await batch.exec();
  const failed = results?.find(([error]) => error);
  if (!results || failed) {
    throw new Error(`Cannot write to dead-letter stream "${names.deadLetterStream}"`, {
      cause: failed?.[0],
    });
  }
}
