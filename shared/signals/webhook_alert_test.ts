import assert from "node:assert/strict";
import { parseAlert, readAlertFields } from "./webhook_alert.ts";

const read = (body: string) => {
  const fields = readAlertFields(body);
  if (!fields.ok) throw new Error(fields.error);
  return parseAlert(fields.value);
};

Deno.test("alert: TradingView JSON with every field; unknown keys become metadata", () => {
  const alert = read(JSON.stringify({
    secret: "s",
    ticker: "aapl",
    signal: "bullish",
    confidence: "80",
    alert_id: 12345,
    timestamp: "2025-01-02T15:00:00Z",
    price: 187.5,
    scanner: "my_breakout",
    interval: "1D",
    strategy: { position: 1 },
  }));
  assert.deepEqual(alert, {
    ok: true,
    value: {
      ticker: "AAPL",
      signal: "BULLISH",
      confidence: 80,
      alert_id: "12345",
      timestampMs: Date.parse("2025-01-02T15:00:00Z"),
      price: 187.5,
      scanner: "my_breakout",
      metadata: { interval: "1D", strategy: '{"position":1}' },
    },
  });
});

Deno.test("alert: text/plain key=value, action instead of signal, epoch seconds, default confidence", () => {
  const alert = read("secret=s\nticker=MSFT action=sell, timestamp=1735830000;note=exit%20now");
  assert.ok(alert.ok);
  assert.equal(alert.value.signal, "BEARISH");
  assert.equal(alert.value.confidence, 50);
  assert.equal(alert.value.timestampMs, 1_735_830_000_000);
  assert.deepEqual(alert.value.metadata, { note: "exit now" });
});

Deno.test("alert: pointed errors for what is missing or wrong", () => {
  const error = (body: string) => {
    const fields = readAlertFields(body);
    if (!fields.ok) return fields.error;
    const alert = parseAlert(fields.value);
    return alert.ok ? "" : alert.error;
  };
  assert.equal(error(""), "Cannot read alert: the body is empty");
  assert.match(error("{nope"), /^Cannot read alert: /);
  assert.equal(error("[1]"), 'Cannot read alert: "[1]" is not key=value');
  assert.equal(
    error('{"ticker":"AAPL"}'),
    'Cannot read alert: field "signal" or "action" is required',
  );
  assert.match(error('{"signal":"BULLISH"}'), /field "ticker"/);
  assert.match(
    error('{"ticker":"AAPL","signal":"UP"}'),
    /field "signal" must be "BULLISH" or "BEARISH"/,
  );
  assert.match(error('{"ticker":"AAPL","action":"buy","confidence":101}'), /field "confidence"/);
  assert.match(
    error('{"ticker":"AAPL","action":"buy","timestamp":"yesterday"}'),
    /ISO 8601 date-time or epoch seconds/,
  );
  assert.equal(
    error('{"ticker":"AAPL","action":"buy","signal":"BEARISH"}'),
    'Cannot read alert: field "signal" "BEARISH" contradicts "action" "buy"',
  );
  assert.match(error("ticker=AAPL action=buy alone"), /"alone" is not key=value/);
});
