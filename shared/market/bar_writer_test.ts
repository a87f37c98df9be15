import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import type { Logger } from "../logging.ts";
import type { Bar } from "./bar.ts";
import { createBarWriter } from "./bar_writer.ts";
import { readBars } from "./bars_store.ts";

const day = (date: string): Bar[] =>
  ["AAPL", "MSFT"].map((ticker) => ({
    ticker,
    date,
    open: 1,
    high: 2,
    low: 1,
    close: 2,
    adj_close: 2,
    volume: 10,
  }));

/** A logger that records the level and message of each line. */
function recordingLogger() {
  const lines: string[] = [];
  const record = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return { lines, log: { info: record("info"), warn: record("warn") } as unknown as Logger };
}

Deno.test("bar writer: keeps bars while Postgres fails, catches up once it works", async () => {
  await using db = await createTestDatabase();
  const { lines, log } = recordingLogger();
  let clock = 0;
  const store = createBarWriter({ sql: db.sql, log, retryAfterMs: 1000, now: () => clock });
  await store(day("2024-01-02"));
  assert.equal((await readBars(db.sql, "AAPL")).length, 1);

  // An outage: the table is gone for a while.
  await db.sql`alter table market_bars rename to market_bars_away`;
  await store(day("2024-01-03"));
  clock = 500; // within the pause: not even tried
  await store(day("2024-01-04"));
  clock = 1500;
  await store(day("2024-01-05")); // tried again, still failing: logged once only
  await db.sql`alter table market_bars_away rename to market_bars`;
  assert.equal((await readBars(db.sql, "AAPL")).length, 1);

  clock = 3000;
  await store(day("2024-01-08"));
  assert.deepEqual(
    (await readBars(db.sql, "MSFT")).map((b) => b.date),
    ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"],
  );
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^warn Cannot store bars in market_bars; keeping them/);
  assert.match(lines[1]!, /^info Storing bars in market_bars again/);
});

Deno.test("bar writer: the buffer keeps only the newest bars", async () => {
  await using db = await createTestDatabase();
  const { log } = recordingLogger();
  let clock = 0;
  const store = createBarWriter({ sql: db.sql, log, maxPending: 4, now: () => clock });
  await db.sql`alter table market_bars rename to market_bars_away`;
  for (const date of ["2024-01-02", "2024-01-03", "2024-01-04"]) await store(day(date));
  await db.sql`alter table market_bars_away rename to market_bars`;
  clock = 60_000;
  await store(day("2024-01-05"));
  assert.deepEqual(
    (await readBars(db.sql, "AAPL")).map((b) => b.date),
    ["2024-01-04", "2024-01-05"],
  );
});
