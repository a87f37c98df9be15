/**
 * From an accepted webhook alert to a private signal, pure: the namespaced signal id, the key
 * duplicates are recognised by, and the freshness rule.
 */
import { createHash } from "node:crypto";
import type { IntakeMarker } from "../../shared/redis_codec.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import { canonicalJson } from "../../shared/signals/signal_scope.ts";
import type { WebhookAlert } from "../../shared/signals/webhook_alert.ts";

/** The source a delivery came to. */
export interface AlertSource {
  id: string;
  owner_id: string;
  max_lag_seconds: number | null;
}

/**
 * What makes two deliveries the same alert: the sender's `alert_id`, else a hash of the alert's
 * content (ticker, direction, confidence, price, scanner, timestamp and metadata).
 */
export function duplicateKey(alert: WebhookAlert): string {
  if (alert.alert_id !== undefined) return `a:${alert.alert_id}`;
  const { alert_id: _id, ...content } = alert;
  return `h:${createHash("sha256").update(canonicalJson(content)).digest("hex").slice(0, 32)}`;
}

/** Why an alert is too old for its source, or null when it is fresh (or carries no time). */
export function staleness(alert: WebhookAlert, source: AlertSource, nowMs: number): string | null {
  if (source.max_lag_seconds === null || alert.timestampMs === undefined) return null;
  const lagSeconds = (nowMs - alert.timestampMs) / 1000;
  if (lagSeconds <= source.max_lag_seconds) return null;
  return `timestamp "${new Date(alert.timestampMs).toISOString()}" is ${
    Math.round(lagSeconds)
  } s old, more than max_lag_seconds ${source.max_lag_seconds}`;
}

/**
 * What a delivery of an alert already seen (`marker`, null: not seen within the window) means:
 * - `duplicate`: it was acknowledged by Kafka, or its first delivery is still being published
 *   (for less than `publishTimeoutMs`);
 * - `publish`: publish it, with the signal id of the first receipt (`firstMs`): a first delivery,
 *   or a retry after a failure or after a publish that never said how it ended. Kafka may hold
 *   the earlier attempt after all (a timed-out send is not cancelled); with the same id, the
 *   claim's `(pipeline_id, signal_id)` index runs it once.
 */
export function decideRepeat(
  marker: IntakeMarker | null,
  nowMs: number,
  publishTimeoutMs: number,
): { kind: "duplicate" } | { kind: "publish"; firstMs: number } {
  if (marker === null) return { kind: "publish", firstMs: nowMs };
  if (marker.state === "acked") return { kind: "duplicate" };
  if (marker.state === "pending" && nowMs - marker.attemptMs < publishTimeoutMs) {
    return { kind: "duplicate" };
  }
  return { kind: "publish", firstMs: marker.firstMs };
}

/**
 * The private signal of an alert (unsigned). Its id is `webhook:<source>:<duplicate key>`, plus
 * for content-hashed alerts the first receipt's time (`firstMs`): the same for every retry within
 * the dedup window, and new for the same content after it, where it may legitimately repeat.
 */
export function alertSignal(
  alert: WebhookAlert,
  source: AlertSource,
  nowMs: number,
  firstMs = nowMs,
): TickerSignal {
  const sourceName = `webhook:${source.id}`;
  const key = duplicateKey(alert);
  return {
    ticker: alert.ticker,
    signal: alert.signal,
    confidence: alert.confidence,
    signal_id: `${sourceName}:${key}${alert.alert_id === undefined ? `:${firstMs}` : ""}`,
    owner_id: source.owner_id,
    source: sourceName,
    emitted_at: new Date(alert.timestampMs ?? nowMs).toISOString(),
    ...(alert.price === undefined ? {} : { price: alert.price }),
    ...(alert.scanner === undefined ? {} : { scanner: alert.scanner }),
    ...(Object.keys(alert.metadata).length === 0 ? {} : { metadata: alert.metadata }),
  };
}
