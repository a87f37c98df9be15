/**
 * What a webhook sender may post, read into one alert. Two bodies are accepted:
 *
 * - JSON (TradingView's "alert message" as JSON): `{"secret": "...", "ticker": "AAPL",
 *   "signal": "BULLISH", "confidence": 80, "alert_id": "...", "timestamp": "...", "price": 1.5,
 *   "scanner": "my_strategy", ...}`;
 * - text/plain: the same keys as `key=value` pairs separated by newlines, `&`, `;`, `,` or spaces
 *   (`secret=... ticker=AAPL action=buy confidence=80`); values cannot hold those separators.
 *
 * `secret` and `ticker` are required (the secret may instead come as a signature header), and
 * `signal` (BULLISH/BEARISH) or `action` (buy/sell; both given, they must agree). Optional:
 * `confidence` 0–100 (default 50), `alert_id`, `timestamp` (ISO 8601 or epoch seconds), `price`,
 * `scanner`. Every other key is kept as metadata (nested values as their JSON text).
 */
import { z } from "../zod.ts";
import { issuesText } from "../errors.ts";
import { type MetadataValue, SIGNAL_TYPES, type SignalType } from "../schemas/signal.ts";
import { tickerSchema } from "../schemas/ticker.ts";

/** Keys of the contract; any other key is metadata. */
export const ALERT_KEYS = [
  "secret",
  "ticker",
  "signal",
  "action",
  "confidence",
  "alert_id",
  "timestamp",
  "price",
  "scanner",
] as const;

/** Confidence of an alert that gives none. */
export const DEFAULT_ALERT_CONFIDENCE = 50;

/** Most metadata keys kept, and the longest metadata as JSON (characters). */
export const MAX_METADATA_KEYS = 50;
export const MAX_METADATA_CHARS = 4000;

const lower = (v: unknown) => (typeof v === "string" ? v.trim().toLowerCase() : v);
const upper = (v: unknown) => (typeof v === "string" ? v.trim().toUpperCase() : v);
const numeric = (v: unknown) =>
  typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;

const timestampSchema = z.preprocess(
  numeric,
  z.union([
    z.number().positive().finite().transform((s) => Math.round(s * 1000)),
    z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  ], { error: "must be an ISO 8601 date-time or epoch seconds" }),
);

/** The contract's fields, after coercion (text bodies give strings). */
export const webhookAlertSchema = z.object({
  ticker: tickerSchema,
  signal: z.preprocess(upper, z.enum(SIGNAL_TYPES, { error: 'must be "BULLISH" or "BEARISH"' }))
    .optional(),
  action: z.preprocess(lower, z.enum(["buy", "sell"], { error: 'must be "buy" or "sell"' }))
    .optional(),
  confidence: z.preprocess(numeric, z.number().min(0).max(100)).optional(),
  alert_id: z.preprocess(
    (v) => (typeof v === "number" ? String(v) : v),
    z.string().trim().min(1).max(128).regex(/^[\x20-\x7e]+$/, "must be printable ASCII"),
  ).optional(),
  timestamp: timestampSchema.optional(),
  price: z.preprocess(numeric, z.number().positive().finite()).optional(),
  scanner: z.string().trim().min(1).max(64).optional(),
});

/** An alert ready to become a signal. */
export interface WebhookAlert {
  ticker: string;
  signal: SignalType;
  confidence: number;
  alert_id?: string;
  /** The sender's time (epoch ms). */
  timestampMs?: number;
  price?: number;
  scanner?: string;
  metadata: Record<string, MetadataValue>;
}

/** Outcome of reading a body. */
export type AlertRead<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * The body's key/value pairs: a JSON object, or `key=value` pairs for any other content type
 * (a body starting with `{` is read as JSON whatever its type, as TradingView sends JSON as
 * text/plain).
 */
export function readAlertFields(body: string): AlertRead<Record<string, unknown>> {
  const text = body.trim();
  if (text.length === 0) return { ok: false, error: "Cannot read alert: the body is empty" };
  if (text.startsWith("{")) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (cause) {
      return { ok: false, error: `Cannot read alert: ${(cause as Error).message}` };
    }
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      return { ok: false, error: "Cannot read alert: the JSON body must be an object" };
    }
    return { ok: true, value: data as Record<string, unknown> };
  }
  const fields: Record<string, string> = {};
  for (const pair of text.split(/[\s&;,]+/).filter(Boolean)) {
    const at = pair.indexOf("=");
    if (at <= 0) {
      return { ok: false, error: `Cannot read alert: "${pair.slice(0, 40)}" is not key=value` };
    }
    fields[pair.slice(0, at)] = percentDecoded(pair.slice(at + 1));
  }
  return { ok: true, value: fields };
}

/** The alert in `fields` (secret excluded), or a message naming every bad field. */
export function parseAlert(fields: Record<string, unknown>): AlertRead<WebhookAlert> {
  const parsed = webhookAlertSchema.safeParse(fields);
  if (!parsed.success) {
    return {
      ok: false,
      error: `Cannot read alert: ${issuesText(parsed.error.issues)}`,
    };
  }
  const { ticker, signal, action, confidence, alert_id, timestamp, price, scanner } = parsed.data;
  const fromAction = action === undefined ? undefined : action === "buy" ? "BULLISH" : "BEARISH";
  if (signal === undefined && fromAction === undefined) {
    return { ok: false, error: 'Cannot read alert: field "signal" or "action" is required' };
  }
  if (signal !== undefined && fromAction !== undefined && signal !== fromAction) {
    return {
      ok: false,
      error: `Cannot read alert: field "signal" "${signal}" contradicts "action" "${action}"`,
    };
  }
  const metadata = Object.fromEntries(
    Object.entries(fields)
      .filter(([k]) => !(ALERT_KEYS as readonly string[]).includes(k))
      .map(([k, v]) => [k, v !== null && typeof v === "object" ? JSON.stringify(v) : v]),
  ) as Record<string, MetadataValue>;
  if (Object.keys(metadata).length > MAX_METADATA_KEYS) {
    return { ok: false, error: `Cannot read alert: more than ${MAX_METADATA_KEYS} extra fields` };
  }
  if (JSON.stringify(metadata).length > MAX_METADATA_CHARS) {
    return {
      ok: false,
      error: `Cannot read alert: extra fields exceed ${MAX_METADATA_CHARS} characters as JSON`,
    };
  }
  return {
    ok: true,
    value: {
      ticker,
      signal: (signal ?? fromAction)!,
      confidence: confidence ?? DEFAULT_ALERT_CONFIDENCE,
      metadata,
      ...(alert_id === undefined ? {} : { alert_id }),
      ...(timestamp === undefined ? {} : { timestampMs: timestamp }),
      ...(price === undefined ? {} : { price }),
      ...(scanner === undefined ? {} : { scanner }),
    },
  };
}

function percentDecoded(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    return value;
  }
}
