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
    assert.equal(parsed.ok, false, raw);
    assert.ok(!parsed.ok && parsed.reason === "invalid");
    assert.match(parsed.error, /field "(tickers\.0\.)?(signal_id|scanner)" must not contain NUL/);
  }
  assert.ok(
    parseSignalMessage(JSON.stringify({ ...aapl, signal_id: "ok \u00e9 \ud83d\ude00" })).ok,
  );
});
