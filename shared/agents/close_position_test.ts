import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { agentContext } from "../../tests/fixtures/agent_context.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import type { Sql } from "../db.ts";
import { closePositionAgent, closePositionParams, closeQuantity } from "./close_position.ts";
import { paperOrderAgent, paperOrderParams } from "./paper_order.ts";

async function execution(sql: Sql, pipelineId: string): Promise<string> {
  const [row] = await sql<[{ id: string }]>`
    insert into pipeline_executions (pipeline_id, trigger_kind) values (${pipelineId}, 'signal')
    returning id`;
  return row.id;
}

Deno.test("close_position: a whole or partial close, in whole shares", () => {
  assert.equal(closeQuantity(100, 100), 100);
  assert.equal(closeQuantity(-100, 100), 100);
  assert.equal(closeQuantity(101, 50), 50);
  assert.equal(closeQuantity(0.5, 50), 0.25);
  assert.equal(closeQuantity(0, 100), 0);
});

Deno.test("paper_order exits, then close_position: the long opened with its stop closes on the opposite signal", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const pipeline = await insertPipeline(db.sql, owner);
  const ids = { id: pipeline.id, owner_id: owner, name: pipeline.name, account: "default" };
  const buy = agentContext(db.sql, owner, {
    signal: {
      ticker: "AAPL",
      signal: "BULLISH",
      confidence: 80,
      price: 50,
      bar_date: "2024-01-05",
    },
    pipeline: ids,
    execution: { id: await execution(db.sql, pipeline.id), trigger_kind: "signal", attempt: 1 },
    step: { id: "order" },
    outputs: { size: { quantity: 100, stop_price: 46, stop_distance: 4 } },
  });
  const order = await paperOrderAgent.run(
    paperOrderParams.parse({
      quantity: "size.quantity",
      slippage_bps: 0,
      exits: {
        stop_loss: "size.stop_price",
        take_profit: { percent: 20 },
        trailing_stop: { distance: "size.stop_distance" },
        max_bars: 30,
      },
    }),
    buy,
  );
  assert.deepEqual((order.output as Record<string, unknown>).exits, {
    stop_price: 46,
    take_profit_price: 60,
    trail_distance: 4,
    max_bars: 30,
  });
  const [held] = await db.sql`select exits from paper_positions`;
  assert.equal(held!.exits.stop_price, 46);
  assert.equal(held!.exits.checked_through, "2024-01-05");

  const sell = (executionId: string) =>
    agentContext(db.sql, owner, {
      signal: {
        ticker: "AAPL",
        signal: "BEARISH",
        confidence: 60,
        price: 55,
        bar_date: "2024-03-01",
      },
      pipeline: ids,
      execution: { id: executionId, trigger_kind: "signal", attempt: 1 },
      step: { id: "close" },
    });
  const params = closePositionParams.parse({ slippage_bps: 0 });
  const closing = await execution(db.sql, pipeline.id);
  const closed = await closePositionAgent.run(params, sell(closing));
  assert.ok(!("halt" in closed));
  assert.deepEqual(
    (({ side, closed_quantity, fill_price, position }) => ({
      side,
      closed_quantity,
      fill_price,
      position,
    }))(closed.output as Record<string, unknown>),
    {
      side: "sell",
      closed_quantity: 100,
      fill_price: 55,
      position: { quantity: 0, avg_price: 0, realised_pnl: 500 },
    },
  );
  // A retry of the same run, or a later run, finds nothing held and books nothing.
  const retried = await closePositionAgent.run(params, sell(closing));
  assert.equal((retried.output as Record<string, unknown>).status, "flat");
  const flat = await closePositionAgent.run(params, sell(await execution(db.sql, pipeline.id)));
  assert.equal((flat.output as Record<string, unknown>).status, "flat");
  const orders = await db.sql`select side, exit_reason from paper_orders order by created_at`;
  assert.deepEqual(orders.map((o) => [o.side, o.exit_reason]), [["buy", null], ["sell", "signal"]]);
  const [position] = await db.sql`select quantity::float8, exits from paper_positions`;
  assert.deepEqual({ ...position }, { quantity: 0, exits: null });
});
