import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertUser } from "../../tests/fixtures/pipelines.ts";
import { orderRequest } from "../../tests/fixtures/paper_orders.ts";
import type { Bar } from "../market/bar.ts";
import { writeBars } from "../market/bars_store.ts";
import { NO_EXITS } from "./exits.ts";
import { type Ledger, postgresLedger } from "./ledger.ts";
import { memoryLedger } from "./memory_ledger.ts";

const bar = (date: string, open: number, high: number, low: number, close: number): Bar => ({
  ticker: "AAPL",
  date,
  open,
  high,
  low,
  close,
  adj_close: close,
  volume: 0,
});

// Buy 100 AAPL at 10 on 2024-01-02 with a stop at 9.5 and a 5 bps exit slippage, 1 fee per fill.
const costs = { slippage_bps: 5, fees: { fixed: 1, bps: 0 } };
const entry = (owner: string) =>
  orderRequest(owner, {
    ...costs,
    execution_id: null,
    exits: { ...NO_EXITS, stop_price: 9.5, take_profit_price: 12 },
  });
const BARS = [
  bar("2024-01-03", 10.1, 10.4, 9.8, 10.2),
  bar("2024-01-04", 10.2, 10.3, 9.4, 9.6),
  bar("2024-01-05", 9.6, 9.7, 9.0, 9.1),
];

Deno.test("applyBar (Postgres): a stop hit intrabar is booked once, however often the bar comes", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const ledger = postgresLedger(db.sql);
  await writeBars(db.sql, BARS);
  const buy = await ledger.book(entry(owner));
  assert.equal(buy.order.fill_price, 10.005);

  const [first, second] = [await ledger.applyBar(BARS[0]!), await ledger.applyBar(BARS[1]!)];
  assert.equal(first![0]!.exit, null);
  const exit = second![0]!.exit!;
  // Stop 9.5 less 5 bps slippage: 9.49525; realised 100 × (9.49525 − 10.005) = −50.975.
  assert.equal(exit.order.exit_reason, "stop");
  assert.equal(exit.order.fill_price, 9.49525);
  assert.deepEqual(exit.position, { quantity: 0, avg_price: 0, realised_pnl: -50.975 });
  assert.equal(exit.cash, 100_000 - 1000.5 - 1 + 949.525 - 1);

  // The same bar again, twice at once, and a later bar: nothing more is booked.
  const again = await Promise.all([ledger.applyBar(BARS[1]!), ledger.applyBar(BARS[1]!)]);
  assert.deepEqual(again.flat().map((e) => e.exit), []);
  await ledger.applyBar(BARS[2]!);
  const orders = await db.sql`select side, exit_reason, bar_date::text from paper_orders
    order by created_at`;
  assert.deepEqual(orders.map((o) => [o.side, o.exit_reason, o.bar_date]), [
    ["buy", null, "2024-01-02"],
    ["sell", "stop", "2024-01-04"],
  ]);
  const marks = await db.sql`select bar_date::text, equity::float8 from paper_equity_snapshots
    where bar_date is not null order by bar_date`;
  // Marked at the close on 2024-01-03 (100 × 10.2 + cash), and after the exit on 2024-01-04.
  assert.deepEqual(marks.map((m) => [m.bar_date, m.equity]), [
    ["2024-01-03", 100_000 - 1001.5 + 1020],
    ["2024-01-04", 100_000 - 1001.5 + 948.525],
  ]);
});

Deno.test("applyBar: the memory ledger books exactly what the Postgres ledger books", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  await writeBars(db.sql, BARS);
  let mark: number | null = null;
  const ledgers: Ledger[] = [postgresLedger(db.sql), memoryLedger({ markOf: () => mark })];
  const results = [];
  for (const ledger of ledgers) {
    const steps = [];
    steps.push(await ledger.book(entry(owner)));
    steps.push(await ledger.book(orderRequest(owner, { ...costs, side: "sell", quantity: 30 })));
    for (const b of BARS) {
      mark = b.close;
      steps.push(...(await ledger.applyBar(b)).map(({ exit, equity }) => ({ exit, equity })));
    }
    const account = await ledger.account(owner, "default");
    results.push({
      steps: JSON.stringify(
        steps,
        (k, v) => (["id", "account_id", "created_at"].includes(k) ? undefined : v),
      ),
      cash: account.cash,
      value: await ledger.value(account),
    });
  }
  assert.deepEqual(results[1], results[0]);
});
