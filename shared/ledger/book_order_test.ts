import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import type { Sql } from "../db.ts";
import { writeBars } from "../market/bars_store.ts";
import { ensureAccount, valueAccount } from "./accounts.ts";
import { bookOrder } from "./book_order.ts";
import { orderRequest } from "../../tests/fixtures/paper_orders.ts";

async function insertExecution(sql: Sql, pipelineId: string): Promise<string> {
  const [row] = await sql<[{ id: string }]>`
    insert into pipeline_executions (pipeline_id, trigger_kind) values (${pipelineId}, 'manual')
    returning id`;
  return row.id;
}

Deno.test("ledger: an account is created once per user and name with the default cash", async () => {
  await using db = await createTestDatabase();
  const alice = await insertUser(db.sql);
  const bob = await insertUser(db.sql);
  const a1 = await ensureAccount(db.sql, alice);
  const a2 = await ensureAccount(db.sql, alice);
  const b1 = await ensureAccount(db.sql, bob);
  assert.equal(a1.id, a2.id);
  assert.notEqual(a1.id, b1.id);
  assert.equal(a1.cash, 100_000);
  assert.equal(a1.starting_cash, 100_000);
  assert.equal(a1.name, "default");
});

Deno.test("ledger: orders book fills, positions, cash and equity with fees and slippage", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  // Buy 100 @ 10 with 50 bps slippage → 10.05; fees 1 + 10 bps × 1005 = 2.005.
  const costs = { slippage_bps: 50, fees: { fixed: 1, bps: 10 } };
  const buy = await bookOrder(db.sql, orderRequest(owner, costs));
  assert.equal(buy.order.status, "filled");
  assert.equal(buy.order.fill_price, 10.05);
  assert.equal(buy.order.fees, 2.005);
  assert.equal(buy.cash, 100_000 - 1005 - 2.005);
  assert.deepEqual(buy.position, { quantity: 100, avg_price: 10.05, realised_pnl: 0 });

  // Sell 40 @ 12 → 11.94 after slippage: realised 40 × (11.94 − 10.05) = 75.6.
  const sell = await bookOrder(
    db.sql,
    orderRequest(owner, { side: "sell", quantity: 40, price: 12, ...costs }),
  );
  assert.equal(sell.order.fill_price, 11.94);
  assert.deepEqual(sell.position, { quantity: 60, avg_price: 10.05, realised_pnl: 75.6 });
  // Fees 1 + 10 bps × 477.6 = 1.4776; cash + 477.6 − 1.4776.
  assert.equal(sell.cash, 98_992.995 + 477.6 - 1.4776);

  const [position] = await db.sql`
    select quantity::float8, avg_price::float8, realised_pnl::float8, fees_paid::float8
    from paper_positions`;
  assert.deepEqual({ ...position }, {
    quantity: 60,
    avg_price: 10.05,
    realised_pnl: 75.6,
    fees_paid: 3.4826,
  });
  const fills = await db.sql`select realised_pnl::float8 from paper_fills order by created_at`;
  assert.deepEqual(fills.map((f) => f.realised_pnl), [0, 75.6]);

  // Equity snapshots mark the traded ticker at the order's bar price: 60 × 12 + cash.
  const snapshots = await db.sql`
    select equity::float8, cash::float8 from paper_equity_snapshots order by id`;
  assert.equal(snapshots.length, 2);
  assert.equal(snapshots[1]!.equity, sell.cash + 60 * 12);

  // Valued later at the latest stored close (13): unrealised 60 × (13 − 10.05) = 177.
  await writeBars(db.sql, [{
    ticker: "AAPL",
    date: "2024-01-03",
    open: 13,
    high: 13,
    low: 13,
    close: 13,
    adj_close: 13,
    volume: 0,
  }]);
  const account = await ensureAccount(db.sql, owner);
  const valuation = await valueAccount(db.sql, account);
  assert.equal(valuation.unrealised_pnl, 177);
  assert.equal(valuation.equity, sell.cash + 60 * 13);
});

Deno.test("ledger: the same execution and step books one order however often it runs", async () => {
  await using db = await createTestDatabase({ max: 6 });
  const owner = await insertUser(db.sql);
  const pipeline = await insertPipeline(db.sql, owner);
  const execution_id = await insertExecution(db.sql, pipeline.id);
  const request = orderRequest(owner, { execution_id, step_id: "buy" });
  const bookings = await Promise.all(
    Array.from({ length: 5 }, () => bookOrder(db.sql, request)),
  );
  assert.equal(new Set(bookings.map((b) => b.order.id)).size, 1);
  assert.equal(bookings.filter((b) => !b.replayed).length, 1);
  const [{ orders, fills }] = await db.sql<[{ orders: number; fills: number }]>`
    select (select count(*)::int from paper_orders) as orders,
      (select count(*)::int from paper_fills) as fills`;
  assert.deepEqual({ orders, fills }, { orders: 1, fills: 1 });
  assert.equal((await ensureAccount(db.sql, owner)).cash, 99_000);

  // Another step of the same execution is another order.
  await bookOrder(db.sql, { ...request, step_id: "buy_again" });
  assert.equal((await ensureAccount(db.sql, owner)).cash, 98_000);
});

Deno.test("ledger: orders the account cannot afford or shorts are booked as rejected", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const big = await bookOrder(db.sql, orderRequest(owner, { quantity: 20_000 }));
  assert.equal(big.order.status, "rejected");
  assert.equal(big.order.fill_price, null);
  assert.match(big.order.reject_reason!, /insufficient cash: the order needs 200000, .* 100000/);
  const short = await bookOrder(db.sql, orderRequest(owner, { side: "sell" }));
  assert.match(short.order.reject_reason!, /cannot sell 100 AAPL: the account holds 0/);
  const [{ count }] = await db.sql<[{ count: number }]>`select count(*)::int from paper_fills`;
  assert.equal(count, 0);
  assert.equal((await ensureAccount(db.sql, owner)).cash, 100_000);

  const allowed = await bookOrder(
    db.sql,
    orderRequest(owner, { side: "sell", allow_short: true }),
  );
  assert.equal(allowed.order.status, "filled");
  assert.deepEqual(allowed.position, { quantity: -100, avg_price: 10, realised_pnl: 0 });
  assert.equal(allowed.cash, 101_000);
});
