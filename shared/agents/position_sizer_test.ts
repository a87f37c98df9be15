import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { agentContext } from "../../tests/fixtures/agent_context.ts";
import { insertUser } from "../../tests/fixtures/pipelines.ts";
import { bookOrder } from "../ledger/book_order.ts";
import { orderRequest } from "../../tests/fixtures/paper_orders.ts";
import { NonRetryableError } from "./errors.ts";
import { positionSizerAgent, positionSizerParams, sizePosition } from "./position_sizer.ts";

const limits = positionSizerParams.parse({});

Deno.test("sizePosition: 1% of 100 000 at a 5.00 stop is 200 shares", () => {
  const size = sizePosition({
    equity: 100_000,
    cash: 100_000,
    price: 50,
    stop_distance: 5,
    side: "buy",
    params: limits,
  });
  assert.deepEqual(size, { quantity: 200, risk_amount: 1000, limited_by: "risk" });
});

Deno.test("sizePosition: value caps, cash and whole shares", () => {
  const base = {
    equity: 100_000,
    cash: 100_000,
    price: 50,
    stop_distance: 1,
    side: "buy" as const,
  };
  // Risk allows 1000 shares (50 000), 20% of equity allows 20 000 → 400 shares.
  assert.deepEqual(sizePosition({ ...base, params: limits }), {
    quantity: 400,
    risk_amount: 1000,
    limited_by: "max_position_pct",
  });
  assert.equal(
    sizePosition({ ...base, params: { ...limits, max_position_value: 5_025 } }).quantity,
    100,
  );
  const poor = sizePosition({ ...base, cash: 1_234, params: limits });
  assert.deepEqual([poor.quantity, poor.limited_by], [24, "cash"]);
  // A short is not limited by cash.
  assert.equal(sizePosition({ ...base, cash: 0, side: "sell", params: limits }).quantity, 400);
  const fractional = sizePosition({
    ...base,
    cash: 1_234,
    params: { ...limits, fractional: true },
  });
  assert.equal(fractional.quantity, 24.68);
});

Deno.test("position_sizer agent: sizes from the default account and the ATR output", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const ctx = agentContext(db.sql, owner, {
    signal: { ticker: "AAPL", signal: "BULLISH", confidence: 80, price: 50 },
    outputs: { indicators: { atr14: 2.5 } },
  });
  const { output } = await positionSizerAgent.run(limits, ctx);
  assert.deepEqual(output, {
    account: "default",
    ticker: "AAPL",
    side: "buy",
    price: 50,
    stop_distance: 5,
    stop_price: 45,
    equity: 100_000,
    cash: 100_000,
    open_positions: 0,
    quantity: 200,
    risk_amount: 1000,
    limited_by: "risk",
    position_value: 10_000,
  });
  // A bearish signal sizes a sell with the stop above; a percent stop needs no ATR.
  const bearish = agentContext(db.sql, owner, {
    signal: { ticker: "AAPL", signal: "BEARISH", confidence: 80, price: 50 },
  });
  const sell = await positionSizerAgent.run(
    positionSizerParams.parse({ stop: { percent: 4 } }),
    bearish,
  );
  assert.deepEqual(
    [
      (sell.output as Record<string, unknown>).side,
      (sell.output as Record<string, unknown>).stop_price,
    ],
    ["sell", 52],
  );
  assert.equal((sell.output as Record<string, unknown>).quantity, 400);
});

Deno.test("position_sizer agent: skips the run at the open-positions cap or without an ATR", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  for (const ticker of ["MSFT", "IBM"]) {
    await bookOrder(db.sql, orderRequest(owner, { ticker, quantity: 1, price: 100 }));
  }
  const ctx = agentContext(db.sql, owner, {
    signal: { ticker: "AAPL", signal: "BULLISH", confidence: 80, price: 50 },
    outputs: { indicators: { atr14: 2.5 } },
  });
  const full = await positionSizerAgent.run({ ...limits, max_open_positions: 2 }, ctx);
  assert.ok("halt" in full);
  assert.equal(full.halt.reason, "Position sizer: 2 positions open, the most allowed is 2");
  assert.equal(full.halt.outcome, "rejected");

  const noAtr = await positionSizerAgent.run(limits, {
    ...ctx,
    outputs: { indicators: { atr14: null } },
  });
  assert.ok("halt" in noAtr);
  assert.match(noAtr.halt.reason, /"indicators.atr14" is null/);
  assert.equal(noAtr.halt.outcome, undefined);

  await assert.rejects(
    positionSizerAgent.run(limits, { ...ctx, outputs: {} }),
    (e: Error) => e instanceof NonRetryableError && /the run has no "indicators"/.test(e.message),
  );
});
