import assert from "node:assert/strict";
import { formatSignalTable } from "./signal_table.ts";

Deno.test("signal table: aligned columns, arrows for direction, a title with the count", () => {
  const table = formatSignalTable("2024-03-01", [
    {
      ticker: "AAPL",
      signal: "BULLISH",
      confidence: 85,
      scanner: "golden_cross",
      price: 179.66,
      signal_id: "golden_cross:AAPL:2024-03-01",
    },
    {
      ticker: "MSFT",
      signal: "BEARISH",
      confidence: 7,
      scanner: "rsi",
      price: 415.5,
      signal_id: "rsi:MSFT:2024-03-01",
    },
  ]);
  assert.equal(
    table,
    [
      "2024-03-01 · 2 signals",
      "TICKER  SCANNER       SIGNAL     CONF   PRICE  SIGNAL ID",
      "AAPL    golden_cross  ▲ BULLISH    85  179.66  golden_cross:AAPL:2024-03-01",
      "MSFT    rsi           ▼ BEARISH     7  415.50  rsi:MSFT:2024-03-01",
    ].join("\n"),
  );
  assert.equal(formatSignalTable("2024-03-04", []), "2024-03-04 · 0 signals");
});
