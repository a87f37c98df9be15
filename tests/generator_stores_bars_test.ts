// The generator stores every bar it reads in market_bars (warm-up included) before the day's
// signals go out, so an agent triggered by a signal finds its bar.
import assert from "node:assert/strict";
import { createTestDatabase } from "./fixtures/database.ts";
import { serviceLogger } from "../shared/logging.ts";
import type { Bar } from "../shared/market/bar.ts";
import { createBarWriter } from "../shared/market/bar_writer.ts";
import { simulatedMarket } from "../shared/market/simulated_market.ts";
import type { TickerSignal } from "../shared/schemas/signal.ts";
import { runSignalGenerator } from "../services/signal_generator/generator.ts";
import { createGeneratorMetrics } from "../services/signal_generator/generator_metrics.ts";
import { scannerRegistry } from "../services/signal_generator/scanners/registry.ts";

Deno.test("generator: bars are in market_bars before their signals are published", async () => {
  await using db = await createTestDatabase();
  const log = serviceLogger("signal-generator", "test");
  const write = createBarWriter({ sql: db.sql, log });
  const stored = new Set<string>();
  const unstoredAtPublish: TickerSignal[] = [];
  const published: TickerSignal[] = [];
  // The simulated market never ends: stop after 60 live days.
  const stop = new AbortController();
  let liveDays = 0;
  const { days } = await runSignalGenerator({
    source: simulatedMarket({ tickers: ["AAA", "BBB", "CCC"], seed: 3 }),
    scanners: [...scannerRegistry.values()],
    priceColumn: "close",
    publish(signals) {
      published.push(...signals);
      unstoredAtPublish.push(...signals.filter((s) => !stored.has(`${s.ticker} ${s.bar_date}`)));
    },
    log,
    metrics: createGeneratorMetrics(),
    intervalMs: 0,
    warmupDays: 250,
    storeBars: async (bars: readonly Bar[]) => {
      await write(bars);
      for (const b of bars) stored.add(`${b.ticker} ${b.date}`);
    },
    onScan: () => {
      if (++liveDays === 60) stop.abort();
    },
  }, stop.signal);
  assert.equal(days, 310);
  assert.equal(stored.size, 3 * 310);
  assert.ok(published.length > 0, "no signals in the live days");
  assert.deepEqual(unstoredAtPublish, []);
  const [{ count }] = await db.sql<[{ count: number }]>`
    select count(*)::int from market_bars`;
  assert.equal(count, stored.size);
});
