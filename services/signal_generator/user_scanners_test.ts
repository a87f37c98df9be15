import assert from "node:assert/strict";
import type { Bar } from "../../shared/market/bar.ts";
import { authenticateSignal } from "../../shared/signals/signal_scope.ts";
import { loadUserScanner, userScannerSignals } from "./user_scanners.ts";

const key = new Uint8Array(32).fill(5);
const owner = "00000000-0000-4000-8000-00000000000a";
const id = "00000000-0000-4000-8000-0000000000c1";
const series = (ticker: string, closes: number[]): Bar[] =>
  closes.map((close, i) => ({
    ticker,
    date: `2025-01-${String(i + 1).padStart(2, "0")}`,
    open: close,
    high: close,
    low: close,
    close,
    adj_close: close,
    volume: 1,
  }));

Deno.test("user scanners: a day's bar that fires becomes a signed private signal", () => {
  const scanner = loadUserScanner({
    id,
    owner_id: owner,
    name: "breakout",
    tickers: ["AAPL"],
    expression: "close crosses above 10",
    direction: "BULLISH",
    confidence: 65,
    is_active: true,
    created_at: new Date(),
    updated_at: new Date(),
  }, "close");
  const history = new Map([
    ["AAPL", series("AAPL", [9, 9.5, 11])],
    ["MSFT", series("MSFT", [9, 9.5, 11])],
  ]);
  const day = [history.get("AAPL")!.at(-1)!, history.get("MSFT")!.at(-1)!];
  const signals = userScannerSignals(day, history, [scanner], {
    priceColumn: "close",
    signingKey: key,
    emittedAt: "2025-01-03T21:00:00.000Z",
  });
  assert.equal(signals.length, 1, "only the scanner's own tickers");
  const { signature, ...fields } = signals[0]!;
  assert.deepEqual(fields, {
    ticker: "AAPL",
    signal: "BULLISH",
    confidence: 65,
    signal_id: `scanner:${id}:AAPL:2025-01-03`,
    scanner: "breakout",
    bar_date: "2025-01-03",
    price: 11,
    owner_id: owner,
    source: `scanner:${id}`,
    emitted_at: "2025-01-03T21:00:00.000Z",
  });
  assert.ok(signature);
  assert.equal(authenticateSignal(signals[0]!, key), null);
  const quiet = userScannerSignals(
    [history.get("AAPL")![1]!],
    new Map([["AAPL", history.get("AAPL")!.slice(0, 2)]]),
    [scanner],
    {
      priceColumn: "close",
      signingKey: key,
      emittedAt: "2025-01-02T21:00:00.000Z",
    },
  );
  assert.deepEqual(quiet, []);
});
