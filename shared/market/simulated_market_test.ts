import assert from "node:assert/strict";
import { pricesOf } from "./bar.ts";
import { simulatedMarket } from "./simulated_market.ts";
import { sma } from "../indicators/sma.ts";
import { crossings } from "../indicators/crossings.ts";
import { mulberry32, normal } from "./prng.ts";

const take = (source: ReturnType<typeof simulatedMarket>, days: number) =>
  Array.from({ length: days }, () => source.next()!).flat();

Deno.test("simulated market: the same seed gives the same bars, another seed other bars", () => {
  const a = take(simulatedMarket({ tickers: ["AAPL", "MSFT"], seed: 7 }), 50);
  const b = take(simulatedMarket({ tickers: ["AAPL", "MSFT"], seed: 7 }), 50);
  const c = take(simulatedMarket({ tickers: ["AAPL", "MSFT"], seed: 8 }), 50);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.map((x) => x.close), c.map((x) => x.close));
  const alone = take(simulatedMarket({ tickers: ["MSFT"], seed: 7 }), 50);
  assert.deepEqual(alone, a.filter((x) => x.ticker === "MSFT"), "tickers are independent");
});

Deno.test("simulated market: valid weekday bars with positive prices and consistent ranges", () => {
  const bars = take(simulatedMarket({ tickers: ["T"], seed: 1, startDate: "2024-03-01" }), 400);
  assert.deepEqual(bars.slice(0, 3).map((b) => b.date), ["2024-03-01", "2024-03-04", "2024-03-05"]);
  for (const bar of bars) {
    assert.ok(bar.low > 0 && bar.low <= Math.min(bar.open, bar.close), JSON.stringify(bar));
    assert.ok(bar.high >= Math.max(bar.open, bar.close), JSON.stringify(bar));
    assert.ok(![0, 6].includes(new Date(bar.date).getUTCDay()), bar.date);
  }
});

Deno.test("simulated market: SMA50/SMA200 crosses happen within a few hundred bars", () => {
  const tickers = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "JPM"];
  const bars = take(simulatedMarket({ tickers, seed: 42 }), 1000);
  let crosses = 0;
  for (const ticker of tickers) {
    const prices = pricesOf(bars.filter((b) => b.ticker === ticker), "close");
    const fast = sma(prices, 50);
    const slow = sma(prices, 200);
    crosses += crossings(fast.map((f, i) => (f == null ? null : f - slow[i]!))).length;
  }
  // 8 tickers × 800 bars with both averages: at least one cross per ticker per 800 bars on average.
  assert.ok(crosses >= 8, `only ${crosses} crosses in 8 × 1000 bars`);
});

Deno.test("prng: mulberry32 is reproducible and uniform enough; normal has mean 0 and sd 1", () => {
  const r = mulberry32(123);
  const s = mulberry32(123);
  const xs = Array.from({ length: 20_000 }, () => r());
  assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => s()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((a, b) => a + b) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  const zs = Array.from({ length: 20_000 }, () => normal(r));
  const zMean = zs.reduce((a, b) => a + b) / zs.length;
  const zSd = Math.sqrt(zs.reduce((a, b) => a + (b - zMean) ** 2, 0) / zs.length);
  assert.ok(Math.abs(zMean) < 0.03 && Math.abs(zSd - 1) < 0.03, `mean ${zMean}, sd ${zSd}`);
});
