/**
 * Confluence state in Redis, where every dispatcher (and the next one, after a restart or a
 * rebalance) finds it: one hash per pipeline, ticker and direction, field = source, value = that
 * source's latest signal, expiring one window after its last write. Signals are keyed by ticker,
 * so one partition, and one dispatcher at a time, sees all of a ticker's signals in order.
 *
 * Each contribution is one HSET (idempotent, so a retried stage or a redelivered batch writes the
 * same) followed by an HGETALL in the same pipelined round trip, so the decision sees exactly the
 * state after its own write and before the next contribution's.
 */
import type { ClaimRequest } from "../../shared/executions/claim.ts";
import type { RedisNames } from "../../shared/names.ts";
import type { Redis } from "../../shared/redis.ts";
import type { Confluence } from "../../shared/schemas/pipeline.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import { type ConfluenceEntry, decideConfluence } from "./confluence.ts";
import type { DecodedMessage } from "./decoded_message.ts";

/** A matched signal of a confluence pipeline, waiting for its decision. */
export interface Contribution {
  pipelineId: string;
  rule: Confluence;
  entry: ConfluenceEntry;
  signal: TickerSignal;
  /** The claim request it becomes when it fires (its signal id and signal are replaced). */
  request: ClaimRequest;
  /** Where its signal came from (for a dead letter if the claim refuses it). */
  origin: { message: DecodedMessage; index: number };
}

/** Writes every contribution in order and returns those that fire, as claim requests. */
export async function resolveConfluence(
  redis: Redis,
  names: Pick<RedisNames, "confluence">,
  contributions: readonly Contribution[],
): Promise<{ request: ClaimRequest; contribution: Contribution }[]> {
  if (contributions.length === 0) return [];
  const batch = redis.pipeline();
  for (const c of contributions) {
    const key = names.confluence(c.pipelineId, c.signal.ticker, c.signal.signal);
    batch.hset(key, c.entry.source, JSON.stringify(c.entry))
      .pexpire(key, c.rule.within_seconds * 1000 + 60_000)
      .hgetall(key);
  }
  const results = await batch.exec();
  if (!results) throw new Error("Cannot keep confluence state: the Redis pipeline was discarded");
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
  const fired: { request: ClaimRequest; contribution: Contribution }[] = [];
  contributions.forEach((c, i) => {
    const hash = results[i * 3 + 2]![1] as Record<string, string>;
    const entries = Object.values(hash).map((v) => JSON.parse(v) as ConfluenceEntry);
    const fire = decideConfluence(c.pipelineId, entries, c.entry, c.rule);
    if (!fire) return;
    fired.push({
      contribution: c,
      request: {
        ...c.request,
        signal_id: fire.signal_id,
        signal: {
          ...c.signal,
          signal_id: fire.signal_id,
          confluence: {
            k: c.rule.k,
            of: c.rule.of,
            within_seconds: c.rule.within_seconds,
            contributors: fire.contributors.map((e) => ({
              ...e,
              t: new Date(e.t).toISOString(),
            })),
          },
        },
      },
    });
  });
  return fired;
}
