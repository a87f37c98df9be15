import assert from "node:assert/strict";
import { createTestApi } from "./test_api.ts";

Deno.test("signals: newest first in keyset pages, filtered by ticker, scanner, direction and time", async () => {
  await using api = await createTestApi();
  const { sql } = api.db;
  const user = await api.user();
  const base = Date.parse("2026-01-05T10:00:00Z");
  const rows = Array.from({ length: 7 }, (_, i) => ({
    signal_id: `s${i}`,
    ticker: i % 2 === 0 ? "AAPL" : "MSFT",
    direction: i < 4 ? "BULLISH" : "BEARISH",
    confidence: 50 + i,
    scanner: i % 3 === 0 ? "rsi" : "macd",
    topic: "t",
    partition: 0,
    kafka_offset: i,
    // s2 and s3 share an instant: the id breaks the tie.
    received_at: new Date(base + (i === 3 ? 2 : i) * 1000).toISOString(),
    decided_at: new Date(base + i * 1000).toISOString(),
  }));
  await sql`insert into signal_log ${sql(rows)}`;
  await sql`insert into signal_log ${
    sql({ ...rows[0]!, signal_id: "bad", reject_reason: "not_json", ticker: null })
  }`;

  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${cursor}` : "";
    const page = await api.call("GET", `/api/v1/signals?limit=4${query}`, { token: user.token });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    ids.push(...page.body.items.map((s: { signal_id: string }) => s.signal_id));
    cursor = page.body.next_cursor;
  } while (cursor);
  assert.deepEqual(ids, ["s6", "s5", "s4", "s3", "s2", "s1", "s0"], "rejected messages excluded");

  const get = async (query: string) =>
    (await api.call("GET", `/api/v1/signals?${query}`, { token: user.token })).body.items.map((
      s: { signal_id: string },
    ) => s.signal_id);
  assert.deepEqual(await get("ticker=aapl"), ["s6", "s4", "s2", "s0"]);
  assert.deepEqual(await get("scanner=rsi&direction=BEARISH"), ["s6"]);
  assert.deepEqual(
    await get(
      `from=${new Date(base + 1000).toISOString()}&to=${new Date(base + 4000).toISOString()}`,
    ),
    ["s3", "s2", "s1"],
  );
  const bad = await api.call("GET", "/api/v1/signals/bad", { token: user.token });
  assert.deepEqual(bad.body.signal.rejected, { reason: "not_json", error: null });
  assert.deepEqual(bad.body.decisions, []);
  assert.equal((await api.call("GET", "/api/v1/signals/nope", { token: user.token })).status, 404);
  assert.equal(
    (await api.call("GET", "/api/v1/signals?cursor=junk", { token: user.token })).status,
    400,
  );
});
