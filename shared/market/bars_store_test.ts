import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import type { Bar } from "./bar.ts";
import { readBars, writeBars } from "./bars_store.ts";

const bar = (date: string, close: number, ticker = "AAPL"): Bar => ({
  ticker,
  date,
  open: close - 1,
  high: close + 2,
  low: close - 2,
  close,
  adj_close: close * 0.5,
  volume: 1_000_000,
});

Deno.test("bars store: writes in one upsert and reads the latest bars oldest first", async () => {
  await using db = await createTestDatabase();
  const bars = [bar("2024-01-02", 10), bar("2024-01-03", 11), bar("2024-01-04", 12.25)];
  assert.equal(await writeBars(db.sql, [...bars, bar("2024-01-03", 99, "MSFT")]), 4);
  assert.deepEqual(await readBars(db.sql, "AAPL"), bars);
  assert.deepEqual(await readBars(db.sql, "AAPL", { until: "2024-01-03" }), bars.slice(0, 2));
  assert.deepEqual(await readBars(db.sql, "AAPL", { limit: 2 }), bars.slice(1));
  assert.deepEqual(await readBars(db.sql, "AAPL", { until: "2024-01-01" }), []);
});

Deno.test("bars store: a later write replaces the bar, within a batch the last one wins", async () => {
  await using db = await createTestDatabase();
  await writeBars(db.sql, [bar("2024-01-02", 10)]);
  assert.equal(await writeBars(db.sql, [bar("2024-01-02", 20), bar("2024-01-02", 30)]), 1);
  assert.deepEqual(await readBars(db.sql, "AAPL"), [bar("2024-01-02", 30)]);
  assert.equal(await writeBars(db.sql, []), 0);
});
