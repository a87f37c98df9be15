import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { agentContext } from "../../tests/fixtures/agent_context.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import type { Sql } from "../db.ts";
import type { TickerSignal } from "../schemas/signal.ts";
import { writeBars } from "../market/bars_store.ts";
import { NonRetryableError } from "./errors.ts";
import { paperOrderAgent, paperOrderParams } from "./paper_order.ts";

/** A user, their pipeline and one execution of it: what a paper order hangs off. */
async function runContext(sql: Sql, signal: TickerSignal) {
  const owner = await insertUser(sql);
  const pipeline = await insertPipeline(sql, owner);
  const [execution] = await sql<[{ id: string }]>`
    insert into pipeline_executions (pipeline_id, trigger_kind) values (${pipeline.id}, 'signal')
    returning id`;
  return agentContext(sql, owner, {
    signal,
    pipeline: { id: pipeline.id, owner_id: owner, name: pipeline.name, account: "default" },
    execution: { id: execution.id, trigger_kind: "signal", attempt: 1 },
    step: { id: "order" },
    outputs: { size: { quantity: 200 } },
  });
}

const signal = {
  ticker: "AAPL",
  signal: "BULLISH" as const,
  confidence: 80,
  price: 50,
  bar_date: "2024-01-05",
  signal_id: "golden_cross:AAPL:2024-01-05",
};

Deno.test("paper_order agent: buys at the signal's price with slippage and fees", async () => {
  await using db = await createTestDatabase();
  const ctx = await runContext(db.sql, signal);
  const params = paperOrderParams.parse({
    quantity: "size.quantity",
    slippage_bps: 10,
    fee_bps: 5,
    fee_fixed: 1,
  });
  const result = await paperOrderAgent.run(params, ctx);
  assert.ok(!("halt" in result));
  const { order_id, ...output } = result.output as Record<string, unknown>;
  // 50 + 10 bps = 50.05; notional 10 010, fees 1 + 5 bps = 6.005; cash 100 000 − 10 016.005.
  assert.deepEqual(output, {
    status: "filled",
    account: "default",
    ticker: "AAPL",
    side: "buy",
    quantity: 200,
    price: 50,
    fill_price: 50.05,
    fees: 6.005,
    bar_date: "2024-01-05",
    reject_reason: null,
    replayed: false,
    position: { quantity: 200, avg_price: 50.05, realised_pnl: 0 },
    cash: 89_983.995,
  });
  const [row] = await db.sql`
    select execution_id, step_id, signal_id from paper_orders where id = ${order_id as string}`;
  assert.deepEqual({ ...row }, {
    execution_id: ctx.execution.id,
    step_id: "order",
    signal_id: "golden_cross:AAPL:2024-01-05",
  });
});

Deno.test("paper_order agent: a retried execution gets its order back, never a second", async () => {
  await using db = await createTestDatabase();
  const ctx = await runContext(db.sql, signal);
  const params = paperOrderParams.parse({ quantity: 10 });
  const first = await paperOrderAgent.run(params, ctx);
  const retry = await paperOrderAgent.run(params, {
    ...ctx,
    execution: { ...ctx.execution, attempt: 2 },
  });
  const a = first.output as { order_id: string; replayed: boolean };
  const b = retry.output as { order_id: string; replayed: boolean; cash: number };
  assert.equal(b.order_id, a.order_id);
  assert.deepEqual([a.replayed, b.replayed], [false, true]);
  const [{ orders, cash }] = await db.sql<[{ orders: number; cash: number }]>`
    select (select count(*)::int from paper_orders) as orders,
      (select cash::float8 from paper_accounts) as cash`;
  assert.equal(orders, 1);
  assert.equal(cash, b.cash);
});

Deno.test("paper_order agent: without a signal price it fills at the bar's close", async () => {
  await using db = await createTestDatabase();
  const { price: _price, ...noPrice } = signal;
  const ctx = await runContext(db.sql, noPrice);
  await writeBars(db.sql, [{
    ticker: "AAPL",
    date: "2024-01-05",
    open: 40,
    high: 45,
    low: 39,
    close: 44,
    adj_close: 44,
    volume: 0,
  }]);
  const result = await paperOrderAgent.run(
    paperOrderParams.parse({ quantity: 1, slippage_bps: 0 }),
    ctx,
  );
  assert.equal((result.output as { fill_price: number }).fill_price, 44);
});

Deno.test("paper_order agent: a rejected order is recorded and skips the run", async () => {
  await using db = await createTestDatabase();
  const ctx = await runContext(db.sql, { ...signal, signal: "BEARISH" });
  const result = await paperOrderAgent.run(paperOrderParams.parse({ quantity: 5 }), ctx);
  assert.ok("halt" in result);
  assert.equal(result.halt.outcome, "rejected");
  assert.equal(
    result.halt.reason,
    "Paper order rejected: cannot sell 5 AAPL: the account holds 0 and short selling is off",
  );
  assert.equal((result.output as { status: string }).status, "rejected");
});

Deno.test("paper_order agent: a bad quantity fails without retries", async () => {
  await using db = await createTestDatabase();
  const ctx = await runContext(db.sql, signal);
  await assert.rejects(
    paperOrderAgent.run(paperOrderParams.parse({ quantity: "sizer.quantity" }), ctx),
    (e: Error) => e instanceof NonRetryableError && /the run has no "sizer"/.test(e.message),
  );
  await assert.rejects(
    paperOrderAgent.run(paperOrderParams.parse({ quantity: "signal.ticker" }), ctx),
    /quantity must be a number above 0, but "signal.ticker" is "AAPL"/,
  );
  assert.equal(paperOrderParams.safeParse({ quantity: -1 }).success, false);
  assert.equal(paperOrderParams.safeParse({ quantity: "size..q" }).success, false);
});
