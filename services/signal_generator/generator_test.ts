import assert from "node:assert/strict";
import { serviceLogger } from "../../shared/logging.ts";
import type { Bar } from "../../shared/market/bar.ts";
import { csvMarketSource } from "../../shared/market/csv_market_source.ts";
import { simulatedMarket } from "../../shared/market/simulated_market.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import { runSignalGenerator } from "./generator.ts";
import { createGeneratorMetrics } from "./generator_metrics.ts";
import { replaySignals } from "./replay.ts";
import { scannerRegistry } from "./scanners/registry.ts";

const scanners = [...scannerRegistry.values()];

function history(days: number): Map<string, Bar[]> {
  const market = simulatedMarket({ tickers: ["AAA", "BBB", "CCC"], seed: 3 });
  const bars = Array.from({ length: days }, () => market.next()!).flat();
  return Map.groupBy(bars, (b) => b.ticker);
}

Deno.test("generator: live days emit exactly the replay's signals after the warm-up", async () => {
  const bars = history(420);
  const metrics = createGeneratorMetrics();
  const published: TickerSignal[] = [];
  const scans: string[] = [];
  const result = await runSignalGenerator({
    source: csvMarketSource(bars),
    scanners,
    priceColumn: "close",
    publish: (signals) => published.push(...signals),
    log: serviceLogger("signal-generator", "test"),
    metrics,
    intervalMs: 0,
    warmupDays: 250,
    historyBars: 300,
    onScan: (date) => scans.push(date),
  }, new AbortController().signal);

  assert.equal(result.days, 420);
  assert.equal(scans.length, 170, "one scan per live day");
  assert.equal(metrics.bars.get(), 3 * 420);
  const firstLive = bars.get("AAA")![250]!.date;
  const expected = replaySignals(bars, { scanners, priceColumn: "close" })
    .filter((s) => s.bar_date >= firstLive);
  assert.ok(expected.length > 30, `only ${expected.length} signals to compare`);
  assert.deepEqual(published.map(({ emitted_at: _, ...s }) => s), expected);
  assert.ok(published.every((s) => s.emitted_at && !Number.isNaN(Date.parse(s.emitted_at))));
  const rsiCount = expected.filter((s) => s.scanner === "rsi").length;
  assert.equal(metrics.signalsEmitted.get({ scanner: "rsi" }), rsiCount);
});

Deno.test("generator: stops when aborted, pacing live days by the interval", async () => {
  const controller = new AbortController();
  let scans = 0;
  const run = runSignalGenerator({
    source: simulatedMarket({ tickers: ["AAA"], seed: 1 }),
    scanners,
    priceColumn: "close",
    publish: () => {},
    log: serviceLogger("signal-generator", "test"),
    metrics: createGeneratorMetrics(),
    intervalMs: 60_000,
    warmupDays: 10,
    onScan: () => {
      scans++;
      controller.abort();
    },
  }, controller.signal);
  const result = await run;
  assert.equal(scans, 1, "the abort ends the 60 s wait after the first live day");
  assert.equal(result.days, 11);
});
