import assert from "node:assert/strict";
import type { WebhookAlert } from "../../shared/signals/webhook_alert.ts";
import { intakeMarker, intakeMarkerOf } from "../../shared/redis_codec.ts";
import { alertSignal, decideRepeat, duplicateKey, staleness } from "./webhook_signal.ts";

const source = {
  id: "00000000-0000-4000-8000-0000000000f1",
  owner_id: "00000000-0000-4000-8000-00000000000a",
  max_lag_seconds: 60,
};
const now = Date.parse("2025-01-02T15:00:00Z");
const alert: WebhookAlert = { ticker: "AAPL", signal: "BULLISH", confidence: 80, metadata: {} };

Deno.test("webhook signal: alert ids dedupe by id, others by content", () => {
  assert.equal(duplicateKey({ ...alert, alert_id: "x" }), "a:x");
  assert.equal(duplicateKey(alert), duplicateKey({ ...alert, metadata: {} }));
  assert.notEqual(duplicateKey(alert), duplicateKey({ ...alert, confidence: 81 }));
  assert.match(duplicateKey(alert), /^h:[0-9a-f]{32}$/);
});

Deno.test("webhook signal: stale past max_lag_seconds; no timestamp or no limit is fresh", () => {
  assert.equal(staleness({ ...alert, timestampMs: now - 60_000 }, source, now), null);
  assert.equal(
    staleness({ ...alert, timestampMs: now - 61_000 }, source, now),
    'timestamp "2025-01-02T14:58:59.000Z" is 61 s old, more than max_lag_seconds 60',
  );
  assert.equal(staleness(alert, source, now), null);
  assert.equal(
    staleness({ ...alert, timestampMs: 0 }, { ...source, max_lag_seconds: null }, now),
    null,
  );
});

Deno.test("webhook signal: private, namespaced by source; emitted at the sender's time", () => {
  const signal = alertSignal({ ...alert, alert_id: "42", timestampMs: now - 5000 }, source, now);
  assert.deepEqual(signal, {
    ticker: "AAPL",
    signal: "BULLISH",
    confidence: 80,
    signal_id: `webhook:${source.id}:a:42`,
    owner_id: source.owner_id,
    source: `webhook:${source.id}`,
    emitted_at: "2025-01-02T14:59:55.000Z",
  });
  assert.match(
    alertSignal(alert, source, now).signal_id!,
    /^webhook:.*:h:[0-9a-f]{32}:1735830000000$/,
  );
});

Deno.test("webhook signal: a repeat is a duplicate once acknowledged or while in flight, else republished with the first id", () => {
  const T = 1_000_000;
  assert.deepEqual(decideRepeat(null, T, 2500), { kind: "publish", firstMs: T });
  assert.deepEqual(decideRepeat({ state: "acked", firstMs: T }, T + 86_000_000, 2500), {
    kind: "duplicate",
  });
  const inFlight = { state: "pending" as const, firstMs: T, attemptMs: T + 10 };
  assert.deepEqual(decideRepeat(inFlight, T + 2000, 2500), { kind: "duplicate" });
  assert.deepEqual(decideRepeat(inFlight, T + 2510, 2500), { kind: "publish", firstMs: T });
  assert.deepEqual(decideRepeat({ state: "failed", firstMs: T }, T + 1, 2500), {
    kind: "publish",
    firstMs: T,
  });
  for (const m of [inFlight, { state: "failed" as const, firstMs: T }]) {
    assert.deepEqual(intakeMarkerOf(intakeMarker(m)), m);
  }
  assert.equal(intakeMarkerOf("1"), null, "an older marker");
  const alert = { ticker: "AAPL", signal: "BULLISH" as const, confidence: 50, metadata: {} };
  const source = { id: "s", owner_id: "o", max_lag_seconds: null };
  assert.equal(
    alertSignal(alert, source, T + 5000, T).signal_id,
    alertSignal(alert, source, T).signal_id,
    "a retry carries the first receipt's id",
  );
});
