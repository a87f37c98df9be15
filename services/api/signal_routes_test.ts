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

Deno.test("signals: a redelivered batch's second logging is left out; a producer's replay is not", async () => {
  await using api = await createTestApi();
  const { sql } = api.db;
  const user = await api.user();
  const at = (s: number) => new Date(Date.parse("2026-01-05T10:00:00Z") + s * 1000).toISOString();
  const row = (
    signal_id: string,
    kafka_offset: number,
    s: number,
    reject_reason: string | null = null,
  ) => ({
    signal_id,
    ticker: "AAPL",
    direction: "BULLISH",
    confidence: 80,
    topic: "t",
    partition: 0,
    kafka_offset,
    received_at: at(s),
    decided_at: at(s),
    reject_reason,
  });
  await sql`insert into signal_log ${
    sql([
      row("kept", 1, 0),
      row("kept", 1, 30), // the same entry again: its batch was not committed
      row("replayed", 2, 1),
      row("replayed", 7, 40), // the producer sent it again: a new offset, a new delivery
      row("bad", 3, 2, "not_json"),
      row("bad", 3, 31, "not_json"),
    ])
  }`;
  const list = await api.call("GET", "/api/v1/signals", { token: user.token });
  assert.deepEqual(
    list.body.items.map((s: { signal_id: string; origin: { offset: string } }) =>
      `${s.signal_id}@${s.origin.offset}`
    ),
    ["replayed@7", "replayed@2", "kept@1"],
  );
  const one = await api.call("GET", "/api/v1/signals/kept", { token: user.token });
  assert.equal(one.body.signal.received_at, at(0));
});
