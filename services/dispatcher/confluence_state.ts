/**
 * Confluence state in Redis, where every dispatcher (and the next one, after a restart or a
 * rebalance) finds it: one hash per pipeline, ticker and direction, field = source, value = that
 * source's latest signal, expiring one window after its last write. Signals are keyed by ticker,
 * so one partition, and one dispatcher at a time, sees all of a ticker's signals in order.
 *
 * Each contribution is one HSET (idempotent, so a retried stage or a redelivered batch writes the
 * same) followed by an HGETALL in the same pipelined round trip, so the decision sees exactly the
 * state after its own write and before the next contribution's. Beside the hash, the last fire
 * (`confluenceFired`, same expiry) keeps a quorum from firing twice within one window; decisions
 * in one batch see the fires of the contributions before them, and the new fires are written in
 * a second round trip before they are handed to the claim.
 */
import type { ClaimRequest } from "../../shared/executions/claim.ts";
import type { RedisNames } from "../../shared/names.ts";
import type { SignalLogRow } from "../../shared/signal_log/signal_log_row.ts";
import type { Redis } from "../../shared/redis.ts";
import type { Confluence } from "../../shared/schemas/pipeline.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import {
  type ConfluenceEntry,
  type ConfluenceFire,
  type ConfluenceLastFire,
  decideConfluence,
} from "./confluence.ts";
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

/** A contribution that fired: the fire, and the claim request it becomes. */
export interface FiredContribution {
  request: ClaimRequest;
  contribution: Contribution;
  fire: ConfluenceFire;
}

/** Writes every contribution in order and returns those that fire, as claim requests. */
export async function resolveConfluence(
  redis: Redis,
  names: Pick<RedisNames, "confluence" | "confluenceFired">,
  contributions: readonly Contribution[],
): Promise<FiredContribution[]> {
  if (contributions.length === 0) return [];
  const ttlMs = (c: Contribution) => c.rule.within_seconds * 1000 + 60_000;
  const firedKey = (c: Contribution) =>
    names.confluenceFired(c.pipelineId, c.signal.ticker, c.signal.signal);
  const batch = redis.pipeline();
  for (const c of contributions) {
    const key = names.confluence(c.pipelineId, c.signal.ticker, c.signal.signal);
    batch.hset(key, c.entry.source, JSON.stringify(c.entry))
      .pexpire(key, ttlMs(c))
      .hgetall(key)
      .get(firedKey(c));
  }
  const results = await exec(batch);
  const lastFires = new Map<string, ConfluenceLastFire | null>();
  const newFires = new Map<string, { fire: ConfluenceLastFire; ttlMs: number }>();
  const fired: FiredContribution[] = [];
  contributions.forEach((c, i) => {
    const hash = results[i * 4 + 2]![1] as Record<string, string>;
    const entries = Object.values(hash).map((v) => JSON.parse(v) as ConfluenceEntry);
    const key = firedKey(c);
    if (!lastFires.has(key)) {
      const stored = results[i * 4 + 3]![1] as string | null;
      lastFires.set(key, stored === null ? null : JSON.parse(stored) as ConfluenceLastFire);
    }
    const lastFire = lastFires.get(key) ?? null;
    const fire = decideConfluence(c.pipelineId, entries, c.entry, c.rule, lastFire);
    if (!fire) return;
    if (fire.signal_id !== lastFire?.signal_id) {
      const record = { signal_id: fire.signal_id, t: c.entry.t };
      lastFires.set(key, record);
      newFires.set(key, { fire: record, ttlMs: ttlMs(c) });
    }
    fired.push({
      contribution: c,
      fire,
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
  if (newFires.size > 0) {
    // Written before the claim: if the process dies between the two, the redelivered signal forms
    // the same fire, finds it recorded with the same id, and is given to the claim again.
    const writes = redis.pipeline();
    for (const [key, { fire, ttlMs }] of newFires) {
      writes.set(key, JSON.stringify(fire), "PX", ttlMs);
    }
    await exec(writes);
  }
  return fired;
}

/**
 * Notes each fire on its firing signal's log row, which the claim statement writes anyway: a fire
 * the claim refuses (the pipeline is busy) leaves no execution, and the API tells its
 * contributors `skipped_busy` from signals that formed no quorum by this note.
 */
export function logFires(rows: readonly SignalLogRow[], fired: readonly FiredContribution[]): void {
  if (fired.length === 0) return;
  const byId = new Map(rows.map((r) => [r.signal_id, r]));
  for (const { contribution, fire } of fired) {
    const row = byId.get(contribution.entry.signal_id);
    if (!row) continue;
    (row.confluence_fires ??= []).push({
      pipeline_id: contribution.pipelineId,
      signal_id: fire.signal_id,
      contributors: fire.contributors.map((c) => c.signal_id),
    });
  }
}

async function exec(batch: ReturnType<Redis["pipeline"]>) {
  const results = await batch.exec();
  if (!results) throw new Error("Cannot keep confluence state: the Redis pipeline was discarded");
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
  return results;
}
