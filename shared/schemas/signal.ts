/**
 * The signal message on `trading-signals`: one contract for the generator (producer) and the
 * dispatcher (consumer). The seed's envelope `{"tickers":[{"ticker":"AAPL","signal":"BULLISH",
 * "confidence":85}]}` is valid as written; the generator adds identity and provenance fields.
 * A signal without `owner_id` is public; one with `owner_id` and `source` is private to that user
 * and must carry our intake's `signature` (see shared/signals/signal_scope.ts).
 */
import { issuesText } from "../errors.ts";
import { z } from "../zod.ts";
import { storableText } from "./storable_text.ts";
import { tickerSchema } from "./ticker.ts";

/** The message schema version the generator writes; messages may omit it (the seed's). */
export const SIGNAL_SCHEMA_VERSION = 1;

/** Signal directions. */
export const SIGNAL_TYPES = ["BULLISH", "BEARISH"] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

/** Names of the generator's scanners. */
export const SCANNER_NAMES = ["golden_cross", "death_cross", "rsi", "macd", "bollinger"] as const;

/**
 * A private signal source: `webhook:<source id>` (a user's webhook) or `scanner:<scanner id>` (a
 * user's expression scanner). Private signal ids start with their source, so ids never collide.
 */
export const privateSourceSchema = z.string().regex(
  /^(webhook|scanner):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  'must be "webhook:<uuid>" or "scanner:<uuid>"',
);

/** A metadata value: a scalar (a webhook's nested values arrive as their JSON text). */
export const metadataValueSchema = z.union([
  storableText(z.string().max(2000)),
  z.number(),
  z.boolean(),
  z.null(),
]);
export type MetadataValue = z.infer<typeof metadataValueSchema>;

const isoDate = z.iso.date("must be a date YYYY-MM-DD");
const isoDateTime = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" });

/** One signal for one ticker. Only ticker, signal and confidence are required (the seed's). */
export const tickerSignalSchema = z.object({
  ticker: tickerSchema,
  signal: z.enum(SIGNAL_TYPES, { error: 'must be "BULLISH" or "BEARISH"' }),
  confidence: z.number().min(0).max(100),
  /** Deterministic id (scanner + ticker + bar date) so a replay is idempotent. */
  signal_id: storableText(z.string().min(1).max(200)).optional(),
  scanner: storableText(z.string().min(1).max(64)).optional(),
  bar_date: isoDate.optional(),
  price: z.number().positive().finite().optional(),
  emitted_at: isoDateTime.optional(),
  /** The user a private signal belongs to; absent on public signals. */
  owner_id: z.uuid().optional(),
  /** Where a private signal comes from. */
  source: privateSourceSchema.optional(),
  /** HMAC-SHA256 (hex) of the signal by our intake; private signals without it are refused. */
  signature: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 hex digits").optional(),
  /** The sender's extra fields (a webhook's unknown keys), kept for the pipeline's steps. */
  metadata: z.record(storableText(z.string().max(64)), metadataValueSchema).optional(),
});
export type TickerSignal = z.infer<typeof tickerSignalSchema>;

/** The seed's multi-ticker envelope. */
export const signalEnvelopeSchema = z.object({
  version: z.literal(SIGNAL_SCHEMA_VERSION, { error: "unknown schema version" }).optional(),
  tickers: z.array(tickerSignalSchema).min(1).max(10_000),
  emitted_at: isoDateTime.optional(),
});
export type SignalEnvelope = z.infer<typeof signalEnvelopeSchema>;

/** The envelope with its entries left unchecked, so that each is validated on its own. */
const envelopeShellSchema = signalEnvelopeSchema.extend({
  tickers: z.array(z.unknown()).min(1).max(10_000),
});

/** A single-signal message: one ticker's fields at the top level. */
export const singleSignalSchema = tickerSignalSchema.extend({
  version: z.literal(SIGNAL_SCHEMA_VERSION, { error: "unknown schema version" }).optional(),
});

/** Largest message accepted, in bytes. */
export const MAX_SIGNAL_MESSAGE_BYTES = 1_000_000;

/** An entry of an envelope's `tickers` that failed validation, and why. */
export interface RejectedSignal {
  /** Its position in `tickers`. */
  index: number;
  error: string;
  /** The entry as received. */
  entry: unknown;
}

/** Result of {@linkcode parseSignalMessage}. */
export type ParsedSignalMessage =
  | {
    ok: true;
    /** The valid signals, in message order. */
    signals: TickerSignal[];
    /** Each signal's position in the message (derived signal ids use it). */
    indexes: number[];
    /** Envelope entries that failed validation; the valid ones still count. */
    rejected: RejectedSignal[];
  }
  | { ok: false; reason: "oversized" | "not_json" | "invalid"; error: string };

// One decoder for every message: a TextDecoder constructed per message was among the dispatcher's
// costliest lines in the throughput bench's profile.
const utf8 = new TextDecoder();

/**
 * Parses raw message bytes into normalised signals (envelope or single form). A signal with no
 * `emitted_at` takes the envelope's. Each envelope entry is validated on its own: one bad ticker
 * rejects that entry, not its neighbours. Never throws.
 */
export function parseSignalMessage(raw: Uint8Array | string | null): ParsedSignalMessage {
  if (raw === null) return { ok: false, reason: "invalid", error: "Message has no value" };
  const size = typeof raw === "string" ? raw.length : raw.byteLength;
  if (size > MAX_SIGNAL_MESSAGE_BYTES) {
    return {
      ok: false,
      reason: "oversized",
      error: `Message of ${size} bytes exceeds ${MAX_SIGNAL_MESSAGE_BYTES}`,
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(typeof raw === "string" ? raw : utf8.decode(raw));
  } catch (cause) {
    return {
      ok: false,
      reason: "not_json",
      error: `Cannot parse signal: ${(cause as Error).message}`,
    };
  }
  const isEnvelope = typeof data === "object" && data !== null && "tickers" in data;
  if (isEnvelope) {
    const parsed = envelopeShellSchema.safeParse(data);
    if (!parsed.success) return { ok: false, reason: "invalid", error: describe(parsed.error) };
    const { tickers, emitted_at } = parsed.data;
    const result = { ok: true as const, signals: [] as TickerSignal[], indexes: [] as number[] };
    const rejected: RejectedSignal[] = [];
    tickers.forEach((entry, index) => {
      const signal = tickerSignalSchema.safeParse(entry);
      if (!signal.success) {
        rejected.push({ index, entry, error: describe(signal.error, ["tickers", index]) });
        return;
      }
      const s = signal.data;
      result.signals.push(s.emitted_at || !emitted_at ? s : { ...s, emitted_at });
      result.indexes.push(index);
    });
    return { ...result, rejected };
  }
  const parsed = singleSignalSchema.safeParse(data);
  if (!parsed.success) return { ok: false, reason: "invalid", error: describe(parsed.error) };
  const { version: _version, ...signal } = parsed.data;
  return { ok: true, signals: [signal], indexes: [0], rejected: [] };
}

function describe(error: z.ZodError, at: PropertyKey[] = []): string {
  return "Cannot parse signal: " +
    issuesText(
      at.length === 0
        ? error.issues
        : error.issues.map((i) => ({ ...i, path: [...at, ...i.path] })),
    );
}
