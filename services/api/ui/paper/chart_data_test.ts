import assert from "node:assert/strict";
import type { Bar } from "../../../../shared/market/bar.ts";
import { candles, chartMarkers } from "./chart_data.ts";

const bar = (date: string): Bar => ({
  ticker: "AAPL",
  date,
  open: 10,
  high: 12,
  low: 9,
  close: 11,
  adj_close: 11,
  volume: 100,
});
const bars = [bar("2024-01-02"), bar("2024-01-03")];

Deno.test("chartMarkers: signals and fills on their bar's day, sorted, others dropped", () => {
  const markers = chartMarkers(bars, [
    { kind: "fill", date: "2024-01-03", side: "buy", quantity: 10, price: 11.5 },
    {
      kind: "signal",
      date: "2024-01-02",
      direction: "BULLISH",
      confidence: 85,
      scanner: "golden_cross",
    },
    { kind: "signal", date: "2024-01-03", direction: "BEARISH", confidence: 60, scanner: null },
    { kind: "signal", date: "2023-12-29", direction: "BULLISH", confidence: 90, scanner: "rsi" },
  ]);
  assert.deepEqual(markers, [
    {
      time: "2024-01-02",
      position: "belowBar",
      shape: "arrowUp",
      color: "#137333",
      text: "golden_cross 85",
    },
    {
      time: "2024-01-03",
      position: "aboveBar",
      shape: "circle",
      color: "#1f5fd6",
      text: "buy 10 @ 11.5",
    },
    {
      time: "2024-01-03",
      position: "aboveBar",
      shape: "arrowDown",
      color: "#b3261e",
      text: "signal 60",
    },
  ]);
});

Deno.test("candles: OHLC by trading day", () => {
  assert.deepEqual(candles(bars)[0], { time: "2024-01-02", open: 10, high: 12, low: 9, close: 11 });
});
