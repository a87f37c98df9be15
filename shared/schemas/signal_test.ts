import assert from "node:assert/strict";
import { parseSignalMessage } from "./signal.ts";

const aapl = { ticker: "AAPL", signal: "BULLISH", confidence: 80 };

Deno.test("signal: NUL and lone surrogates, which Postgres cannot store, are refused by the schema", () => {
  for (
    const raw of [
      '{"tickers":[{"ticker":"T2","signal":"BULLISH","confidence":80,"signal_id":"nul\\u0000x"}]}',
      JSON.stringify({ ...aapl, signal_id: "lone \ud800 surrogate" }),
      JSON.stringify({ ...aapl, scanner: "rsi\u0000" }),
    ]
  ) {
    const parsed = parseSignalMessage(raw);
    const error = parsed.ok ? parsed.rejected[0]?.error : parsed.error;
    assert.ok(!parsed.ok || parsed.signals.length === 0, raw);
    assert.match(error ?? "", /field "(tickers\.0\.)?(signal_id|scanner)" must not contain NUL/);
  }
  assert.ok(
    parseSignalMessage(JSON.stringify({ ...aapl, signal_id: "ok \u00e9 \ud83d\ude00" })).ok,
  );
});

Deno.test("signal: each entry of tickers is validated on its own; the bad ones are rejected with reasons", () => {
  const parsed = parseSignalMessage(JSON.stringify({
    tickers: [aapl, { ...aapl, confidence: 101 }, { ...aapl, ticker: "MSFT" }, { ticker: "??" }],
    emitted_at: "2025-01-02T15:00:00Z",
  }));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.signals.map((s) => [s.ticker, s.emitted_at]), [
    ["AAPL", "2025-01-02T15:00:00Z"],
    ["MSFT", "2025-01-02T15:00:00Z"],
  ]);
  assert.deepEqual(parsed.indexes, [0, 2]);
  assert.deepEqual(parsed.rejected.map((r) => r.index), [1, 3]);
  assert.match(parsed.rejected[0]!.error, /^Cannot parse signal: field "tickers\.1\.confidence"/);
  assert.match(parsed.rejected[1]!.error, /field "tickers\.3\.ticker"/);
  assert.deepEqual(parsed.rejected[1]!.entry, { ticker: "??" });
});

Deno.test("signal: a malformed envelope is rejected whole", () => {
  for (const value of [{ tickers: [] }, { tickers: "AAPL" }, { tickers: [aapl], version: 9 }]) {
    const parsed = parseSignalMessage(JSON.stringify(value));
    assert.ok(!parsed.ok && parsed.reason === "invalid", JSON.stringify(value));
  }
});
