import assert from "node:assert/strict";
import { parseSignalMessage } from "../schemas/signal.ts";
import { toSignalMessages } from "./signal_messages.ts";

const at = "2024-03-01T21:00:00.000Z";
const signal = (ticker: string, scanner: string) => ({
  ticker,
  signal: "BULLISH" as const,
  confidence: 70,
  signal_id: `${scanner}:${ticker}:2024-03-01`,
  scanner,
  bar_date: "2024-03-01",
  price: 10,
  emitted_at: at,
});

Deno.test("signal messages: one envelope per ticker, keyed by ticker, parsed by the contract", () => {
  const messages = toSignalMessages(
    [signal("AAPL", "rsi"), signal("MSFT", "rsi"), signal("AAPL", "macd")],
    at,
  );
  assert.deepEqual(messages.map((m) => m.key), ["AAPL", "MSFT"]);
  const aapl = JSON.parse(messages[0]!.value);
  assert.equal(aapl.version, 1);
  assert.equal(aapl.emitted_at, at);
  const parsed = parseSignalMessage(messages[0]!.value);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.signals.map((s) => s.signal_id), [
    "rsi:AAPL:2024-03-01",
    "macd:AAPL:2024-03-01",
  ]);
});

Deno.test("signal messages: an invalid signal never reaches Kafka", () => {
  assert.throws(() => toSignalMessages([{ ...signal("AAPL", "rsi"), confidence: 101 }], at));
});
