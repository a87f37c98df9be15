import assert from "node:assert/strict";
import { rsiScanner } from "./rsi_cross.ts";

Deno.test("rsi scanner: crossing up through 30 and down through 70, on hand-computed RSI(2)", () => {
  // RSI(2) of [10, 11, 10, 9, 10, 12, 11]: –, –, 50, 25, 62.5, 87.5, 52.5
  // index 4 leaves oversold (low 25, depth 5 → 60); index 6 leaves overbought (high 87.5 → 85).
  assert.deepEqual(rsiScanner({ period: 2 }).scan([10, 11, 10, 9, 10, 12, 11]), [
    { index: 4, signal: "BULLISH", confidence: 60 },
    { index: 6, signal: "BEARISH", confidence: 85 },
  ]);
});

Deno.test("rsi scanner: entering oversold is no signal, and the default period is 14", () => {
  // RSI(2) of [10, 11, 10, 9]: 50 then 25 — it went below 30 but has not come back.
  assert.deepEqual(rsiScanner({ period: 2 }).scan([10, 11, 10, 9]), []);
  const falling = Array.from({ length: 20 }, (_, i) => 100 - i);
  const scanner = rsiScanner();
  assert.equal(scanner.name, "rsi");
  assert.deepEqual(scanner.scan([...falling, 120]).map((h) => [h.index, h.signal]), [
    [20, "BULLISH"],
  ]);
  assert.deepEqual(scanner.scan(falling.slice(0, 14)), [], "14 prices give no RSI(14) yet");
});
