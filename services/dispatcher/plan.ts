/**
 * Turns a batch of decoded messages into claim requests and decision counters, pure, in chunks
 * of bounded work (one claim statement each): every signal is looked up in the ticker index and
 * decided against each candidate pipeline; matches are de-duplicated in memory where the claim
 * would refuse them anyway (a skip pipeline keeps its first match in the batch, buffer_one its
 * first two, allow all; one per (pipeline, signal_id) in a chunk).
 */
import type { ClaimRequest } from "../../shared/executions/claim.ts";
import type { OverlapPolicy } from "../../shared/schemas/pipeline.ts";
import type { DecodedMessage } from "./decoded_message.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import { toStorableJson } from "../../shared/schemas/storable_text.ts";
import { DispatchStats } from "../../shared/dispatch_stats.ts";
import { hearsSignal, namedByConfluence, sourceNameOf } from "../../shared/signals/signal_scope.ts";
import type { Contribution } from "./confluence_state.ts";
import { decideSignal } from "./match.ts";
import type { DeadLetter } from "./dead_letter.ts";
import {
  MAX_REJECT_ERROR_LENGTH,
  type SignalLogRow,
} from "../../shared/signal_log/signal_log_row.ts";
import type { PipelineIndex } from "./pipeline_index.ts";

/** What one batch asks of the database, and what it decided so far. */
export interface BatchPlan {
  requests: ClaimRequest[];
  /** Matches per pipeline (before de-duplication), to derive skipped_busy after the claim. */
  matched: Map<string, number>;
  stats: DispatchStats;
  /** The signal log's rows of the accepted signals (rejections: {@linkcode rejectionLogRow}). */
  log: SignalLogRow[];
  /** Matches of confluence pipelines, decided against Redis before the claim. */
  contributions: Contribution[];
  /** Where each request's signal came from (its message and place in it), for dead letters. */
  origins: Map<ClaimRequest, { message: DecodedMessage; index: number }>;
  /** Signals in good messages. */
  signals: number;
  /** Whether this is the batch's last chunk (planChunks). */
  last: boolean;
}

const KEEP: Record<OverlapPolicy, number> = { skip: 1, buffer_one: 2, allow: Infinity };

/** The idempotency key of a signal: its own, else one derived from its Kafka coordinates. */
export function signalIdOf(m: DecodedMessage, index: number, own: string | undefined): string {
  return own ?? `kafka:${m.topic}:${m.partition}:${m.offset}:${index}`;
}

/**
 * Bounds of one chunk of a batch's plan, which is one claim statement: a batch is bounded by the
 * work it creates, not by its signals. A 5 000-signal burst on tickers with a hundred pipelines
 * each makes 100 000 claim requests (and as many claimed jobs to XADD); one statement carrying
 * them all took the dispatcher past 1.5 GB. A message is split too, at a signal.
 */
export interface ChunkBounds {
  /**
   * Claim requests per chunk; default 10 000. A chunk ends before a signal that could take it
   * past the bound (its pipelines that may still be requested are counted), so one signal's
   * requests stay together and a chunk passes the bound only by a signal that alone does.
   */
  maxRequests: number;
  /** Signals (signal log rows) per chunk; default 5 000. */
  maxSignals: number;
}

/** The default {@linkcode ChunkBounds}. */
export const CHUNK_BOUNDS: ChunkBounds = { maxRequests: 10_000, maxSignals: 5_000 };

const UNBOUNDED: ChunkBounds = { maxRequests: Infinity, maxSignals: Infinity };

/** Plans a batch at `nowMs` in one chunk, however large (tests, tools). */
export function planBatch(
  messages: readonly DecodedMessage[],
  index: PipelineIndex,
  nowMs: number,
): BatchPlan {
  return planChunks(messages, index, nowMs, UNBOUNDED).next().value as BatchPlan;
}

function emptyPlan(): BatchPlan {
  return {
    requests: [],
    matched: new Map(),
    stats: new DispatchStats(),
    log: [],
    contributions: [],
    origins: new Map(),
    signals: 0,
    last: false,
  };
}

/**
 * Plans a batch at `nowMs` chunk by chunk, lazily: the next chunk is planned when the caller
 * asks for it, so at most one chunk's requests are held at a time. Yields at least one chunk.
 * Which matches a pipeline keeps (its overlap policy) holds across the batch's chunks.
 */
export function* planChunks(
  messages: readonly DecodedMessage[],
  index: PipelineIndex,
  nowMs: number,
  bounds: ChunkBounds = CHUNK_BOUNDS,
): Generator<BatchPlan, void, undefined> {
  // Matches kept per pipeline in the whole batch: at most one entry per indexed pipeline.
  const kept = new Map<string, number>();
  const receivedAt = new Date(nowMs).toISOString();
  let plan = emptyPlan();
  // Pairs requested in this chunk; one repeated in a later chunk is refused by the claim.
  let seen = new Set<string>();
  const full = (candidates: readonly { id: string; overlapPolicy: OverlapPolicy }[]) => {
    if (plan.signals === 0) return false;
    if (plan.signals >= bounds.maxSignals) return true;
    if (plan.requests.length === 0) return false;
    // Even if every candidate were requested the bound would hold: no need to count them.
    if (plan.requests.length + candidates.length <= bounds.maxRequests) return false;
    let more = 0;
    for (const p of candidates) if ((kept.get(p.id) ?? 0) < KEEP[p.overlapPolicy]) more++;
    return plan.requests.length + more > bounds.maxRequests;
  };
  const timeText = isoTexts();
  const parseTime = lastTimeParsed();
  for (const m of messages) {
    if (!m.parsed.ok) continue; // a dead letter (dead_letter.ts)
    const { indexes, signals } = m.parsed;
    const origin = logOrigin(m.topic, m.partition, m.offset, m.receivedAtMs, nowMs, timeText);
    for (let i = 0; i < signals.length; i++) {
      const signal = signals[i]!;
      const candidates = index.forTicker(signal.ticker);
      if (full(candidates)) {
        // A stable order keeps concurrent claims from taking row locks in opposite orders.
        plan.requests.sort(byPipeline);
        yield plan;
        plan = emptyPlan();
        seen = new Set();
      }
      plan.signals++;
      const position = indexes[i] ?? i;
      const signalId = signalIdOf(m, position, signal.signal_id);
      const emittedAtMs = signal.emitted_at ? parseTime(signal.emitted_at) : m.timestampMs;
      const emittedAt = Number.isFinite(emittedAtMs) ? timeText(emittedAtMs) : null;
      // One object for every request of this signal: the claim sends each distinct one once.
      // Made on the first request only: under load most signals find their pipelines busy.
      let identified: TickerSignal | undefined;
      plan.log.push(logRow(origin, signalId, position, signal, emittedAt));
      for (const pipeline of candidates) {
        // Out of scope (another user's private signal, or a scope it does not listen to): not
        // even counted, so one user's signals leave no trace in another's stats.
        if (!hearsSignal(pipeline.listenTo, pipeline.ownerId, signal)) continue;
        const confluence = pipeline.listenTo?.confluence;
        // A confluence pipeline hears only the sources it names.
        const named = namedByConfluence(pipeline.listenTo, signal);
        const matchedOrNot = decideSignal(pipeline, signal, emittedAtMs, nowMs);
        const decision = matchedOrNot === "matched" && !named ? "filtered" : matchedOrNot;
        plan.stats.add(pipeline.id, decision);
        if (decision !== "matched") continue;
        if (confluence) {
          plan.contributions.push({
            pipelineId: pipeline.id,
            rule: confluence,
            entry: { source: sourceNameOf(signal)!, signal_id: signalId, t: emittedAtMs },
            signal: identified ??= { ...signal, signal_id: signalId },
            request: {
              pipeline_id: pipeline.id,
              trigger_kind: "signal",
              signal_id: signalId,
              signal: null,
              signal_emitted_at: emittedAt,
              received_at: receivedAt,
            },
            origin: { message: m, index: position },
          });
          continue;
        }
        plan.matched.set(pipeline.id, (plan.matched.get(pipeline.id) ?? 0) + 1);
        const count = kept.get(pipeline.id) ?? 0;
        if (count >= KEEP[pipeline.overlapPolicy]) continue;
        // A skip pipeline's first request is its only one: no pair to remember.
        if (pipeline.overlapPolicy !== "skip") {
          const pair = `${pipeline.id}\n${signalId}`;
          if (seen.has(pair)) continue;
          seen.add(pair);
        }
        kept.set(pipeline.id, count + 1);
        const request: ClaimRequest = {
          pipeline_id: pipeline.id,
          trigger_kind: "signal",
          signal_id: signalId,
          signal: identified ??= { ...signal, signal_id: signalId },
          signal_emitted_at: emittedAt,
          received_at: receivedAt,
        };
        plan.requests.push(request);
        plan.origins.set(request, { message: m, index: position });
      }
    }
  }
  plan.requests.sort(byPipeline);
  plan.last = true;
  yield plan;
}

/**
 * An accepted signal's log row. Optional fields are set only when present, one by one: spreading
 * a literal per field cost an object each, six per signal.
 */
function logRow(
  origin: ReturnType<typeof logOrigin>,
  signalId: string,
  position: number,
  signal: TickerSignal,
  emittedAt: string | null,
): SignalLogRow {
  const row: SignalLogRow = {
    topic: origin.topic,
    partition: origin.partition,
    kafka_offset: origin.kafka_offset,
    received_at: origin.received_at,
    decided_at: origin.decided_at,
    signal_id: signalId,
    signal_index: position,
    ticker: signal.ticker,
    direction: signal.signal,
    confidence: signal.confidence,
  };
  if (signal.scanner !== undefined) row.scanner = signal.scanner;
  if (signal.bar_date !== undefined) row.bar_date = signal.bar_date;
  if (signal.price !== undefined) row.price = signal.price;
  if (signal.owner_id !== undefined) row.owner_id = signal.owner_id;
  if (signal.source !== undefined) row.source = signal.source;
  if (emittedAt !== null) row.emitted_at = emittedAt;
  return row;
}

/** Orders claim requests by pipeline id. */
export function byPipeline(a: ClaimRequest, b: ClaimRequest): number {
  return a.pipeline_id < b.pipeline_id ? -1 : a.pipeline_id > b.pipeline_id ? 1 : 0;
}

/**
 * Epoch ms as ISO text, remembering the last few: a batch's messages share a handful of receive
 * times (one per Kafka fetch) and one decision time, and formatting a Date per message was a
 * visible part of planning.
 */
function isoTexts(): (ms: number) => string {
  const known = new Map<number, string>();
  return (ms) => {
    let text = known.get(ms);
    if (text === undefined) {
      if (known.size >= 64) known.clear();
      known.set(ms, text = new Date(ms).toISOString());
    }
    return text;
  };
}

/** Date.parse that remembers its last text: a scan's signals share their envelope's emitted_at. */
function lastTimeParsed(): (text: string) => number {
  let lastText: string | undefined;
  let lastMs = NaN;
  return (text) => {
    if (text !== lastText) {
      lastText = text;
      lastMs = Date.parse(text);
    }
    return lastMs;
  };
}

function logOrigin(
  topic: string,
  partition: number,
  offset: string,
  receivedAtMs: number,
  decidedAtMs: number,
  isoText: (ms: number) => string = (ms) => new Date(ms).toISOString(),
) {
  return {
    topic,
    partition,
    kafka_offset: offset,
    received_at: isoText(receivedAtMs),
    decided_at: isoText(decidedAtMs),
  };
}

/**
 * The signal log's row of a dead letter (a bad message, or one rejected entry of an envelope),
 * so the log holds exactly what the dead-letter topic got, with the same reason.
 */
export function rejectionLogRow(
  letter: DeadLetter,
  receivedAtMs: number,
  decidedAtMs: number,
): SignalLogRow {
  const index = letter.signalIndex ?? 0;
  return {
    ...logOrigin(letter.topic, letter.partition, letter.offset, receivedAtMs, decidedAtMs),
    signal_id: `kafka:${letter.topic}:${letter.partition}:${letter.offset}:${index}`,
    signal_index: index,
    reject_reason: letter.reason,
    // An error may quote the input (a JSON syntax error does): it must not fail the statement.
    error: toStorableJson(letter.error.slice(0, MAX_REJECT_ERROR_LENGTH)),
  };
}

/** Adds claimed and skipped_busy per pipeline once the claim has answered. */
export function countClaims(plan: BatchPlan, claimed: readonly { pipeline_id: string }[]): void {
  const byPipeline = new Map<string, number>();
  for (const c of claimed) byPipeline.set(c.pipeline_id, (byPipeline.get(c.pipeline_id) ?? 0) + 1);
  for (const [pipelineId, matched] of plan.matched) {
    const won = byPipeline.get(pipelineId) ?? 0;
    plan.stats.add(pipelineId, "claimed", won);
    plan.stats.add(pipelineId, "skipped_busy", Math.max(0, matched - won));
  }
}
