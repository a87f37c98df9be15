import assert from "node:assert/strict";
import { createTestApi } from "./test_api.ts";

Deno.test("signal quality: hit rate and forward return after N bars match a hand count", async () => {
  await using api = await createTestApi();
  const { sql } = api.db;
  const user = await api.user();
  // AAPL closes 100, 101, 99, 104, 103, 110 on six consecutive dates.
  const closes = [100, 101, 99, 104, 103, 110];
  for (const [i, close] of closes.entries()) {
    const date = `2025-01-0${i + 1}`;
    await sql`insert into market_bars (ticker, date, open, high, low, close, adj_close)
      values ('AAPL', ${date}, ${close}, ${close}, ${close}, ${close}, ${close})`;
  }
  const signal = (id: string, direction: string, confidence: number, barDate: string) => ({
    signal_id: id,
    ticker: "AAPL",
    direction,
    confidence,
    scanner: "rsi",
    bar_date: barDate,
    topic: "t",
    partition: 0,
    kafka_offset: 1,
    received_at: new Date().toISOString(),
    decided_at: new Date().toISOString(),
  });
  for (
    const row of [
      // Two bars later: 01 → 03 (100 → 99, miss), 02 → 04 (101 → 104, hit), 04 → 06 (104 → 110, hit)
      signal("a", "BULLISH", 72, "2025-01-01"),
      signal("b", "BULLISH", 75, "2025-01-02"),
      signal("c", "BULLISH", 79.5, "2025-01-04"),
      // 03 → 05 (99 → 103): a bearish miss; 05 has one bar after it only: unresolved.
      signal("d", "BEARISH", 55, "2025-01-03"),
      signal("e", "BEARISH", 55, "2025-01-05"),
    ]
  ) await sql`insert into signal_log ${sql(row)}`;

  const res = await api.call("GET", "/api/v1/analytics/signal-quality?scanner=rsi&horizon_bars=2", {
    token: user.token,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const [bearish, bullish] = res.body.rows;
  assert.equal(res.body.rows.length, 2);
  assert.equal(bullish.direction, "BULLISH");
  assert.equal(bullish.confidence_from, 70);
  assert.equal(bullish.signals, 3);
  assert.equal(bullish.resolved, 3);
  assert.equal(bullish.hit_rate, 2 / 3);
  const expected = (99 / 100 - 1 + 104 / 101 - 1 + 110 / 104 - 1) / 3;
  assert.ok(Math.abs(bullish.mean_forward_return - expected) < 1e-12);
  assert.deepEqual(
    [bearish.direction, bearish.confidence_from, bearish.signals, bearish.resolved],
    ["BEARISH", 50, 2, 1],
  );
  assert.equal(bearish.hit_rate, 0);

  // Another user's private signal counts for its owner only.
  const owner = await api.user();
  await sql`insert into signal_log ${
    sql({ ...signal("p", "BULLISH", 71, "2025-01-02"), owner_id: owner.id, source: "webhook:x" })
  }`;
  const cells = async (token: string) =>
    (await api.call("GET", "/api/v1/analytics/signal-quality?scanner=rsi&horizon_bars=2", {
      token,
    })).body.rows.map((r: { direction: string; signals: number }) => [r.direction, r.signals]);
  assert.deepEqual(await cells(user.token), [["BEARISH", 2], ["BULLISH", 3]]);
  assert.deepEqual(await cells(owner.token), [["BEARISH", 2], ["BULLISH", 4]]);

  const other = await api.call("GET", "/api/v1/analytics/signal-quality?scanner=macd", {
    token: user.token,
  });
  assert.deepEqual(other.body.rows, []);
  assert.equal((await api.call("GET", "/api/v1/analytics/signal-quality")).status, 401);
});
