// A whole pipeline on real prices: AAPL's monthly closes 2000–2010 from vega-datasets'
// `data/stocks.csv` (symbol,date,price). Importing the package makes Deno fetch it through npm,
// so the file is found next to the module; nothing is committed here. The generator's own Golden
// Cross scanner finds the signal, and the worker's engine runs indicators → rule →
// position_sizer → paper_order on it, twice (a retry), against a real Postgres.
import { egressPolicy } from "../shared/egress/egress_policy.ts";
import "vega-datasets";
import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { createTestDatabase, type TestDatabase } from "./fixtures/database.ts";
import { insertPipeline, insertUser } from "./fixtures/pipelines.ts";
import { agentRegistry } from "../shared/agents/registry.ts";
import type { Bar } from "../shared/market/bar.ts";
import { writeBars } from "../shared/market/bars_store.ts";
import { pipelineConfigSchemaFor } from "../shared/schemas/steps.ts";
import { postgresLedger } from "../shared/ledger/ledger.ts";
import { pipelineAccountName } from "../shared/ledger/accounts.ts";
import { postgresMarket } from "../shared/market/market_data.ts";
import type { TickerSignal } from "../shared/schemas/signal.ts";
import { detectSignals } from "../services/signal_generator/detect_signals.ts";
import {
  deathCrossScanner,
  goldenCrossScanner,
} from "../services/signal_generator/scanners/moving_average_cross.ts";
import { runPipeline } from "../services/worker/run_pipeline.ts";

const STOCKS_CSV = new URL("../data/stocks.csv", import.meta.resolve("vega-datasets"));
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** AAPL's bars from stocks.csv: one close a month, so open = high = low = close. */
async function aaplMonthlyBars(): Promise<Bar[]> {
  const [header, ...lines] = (await Deno.readTextFile(STOCKS_CSV)).trim().split("\n");
  assert.equal(header, "symbol,date,price");
  return lines.map((line) => line.split(",")).filter(([symbol]) => symbol === "AAPL").map(
    ([, date, price]) => {
      const [month, day, year] = date!.split(" ");
      const iso = `${year}-${String(MONTHS.indexOf(month!) + 1).padStart(2, "0")}-${
        day!.padStart(2, "0")
      }`;
      const close = Number(price);
      return {
        ticker: "AAPL",
        date: iso,
        open: close,
        high: close,
        low: close,
        close,
        adj_close: close,
        volume: 0,
      };
    },
  );
}

/** The README's Golden Cross pipeline, with monthly periods: SMA 3/10 months ≈ 50/200 days. */
const GOLDEN_CROSS_PIPELINE = {
  steps: [
    {
      id: "indicators",
      agent: "indicators",
      params: { sma: [3, 10], rsi: 14, atr: 14, bars: 200 },
    },
    {
      id: "entry",
      agent: "rule",
      params: {
        expression: 'signal.signal == "BULLISH" and signal.confidence >= 70 ' +
          "and indicators.sma3 > indicators.sma10 and indicators.rsi14 < 80",
      },
    },
    {
      id: "size",
      agent: "position_sizer",
      params: {
        risk_per_trade_pct: 1,
        stop: { atr_multiple: 2, atr: "indicators.atr14" },
        max_position_pct: 20,
        max_open_positions: 5,
      },
    },
    {
      id: "order",
      agent: "paper_order",
      params: { quantity: "size.quantity", slippage_bps: 5, fee_bps: 1, fee_fixed: 1 },
    },
  ],
};

// Checked by hand from the same CSV (a few lines of Python, independent of our code): on
// 2009-05-01 AAPL closed at 135.81 with SMA3 122.25 > SMA10 111.50; ATR14 (Wilder, close-to-close)
// 14.2466, so the stop is 28.49323208 away and 1000 / 28.49 = 35.1 → 35 shares (20 % of equity
// would allow 147). Filled at 135.81 + 5 bps = 135.877905; fees 1 + 1 bp × 4755.73 = 1.47557267.
const EXPECTED_SIZE = { quantity: 35, limited_by: "risk", stop_distance: 28.49323208 };
const EXPECTED_ORDER = {
  status: "filled",
  side: "buy",
  quantity: 35,
  fill_price: 135.877905,
  fees: 1.47557267,
};

/** AAPL's bars stored, a user with the Golden Cross pipeline, and `run(signal, attempt)`. */
async function goldenCrossSetup(db: TestDatabase) {
  const bars = await aaplMonthlyBars();
  await writeBars(db.sql, bars);
  const owner = await insertUser(db.sql);
  const config = pipelineConfigSchemaFor(agentRegistry).parse(GOLDEN_CROSS_PIPELINE);
  const pipeline = await insertPipeline(db.sql, owner, { name: "AAPL golden cross", config });
  const executions = new Map<string, string>();
  /** Runs the pipeline through the worker's engine; one execution per signal, kept on retries. */
  const run = async (signal: TickerSignal, attempt = 1) => {
    if (!executions.has(signal.signal_id!)) {
      const [row] = await db.sql<[{ id: string }]>`
        insert into pipeline_executions (pipeline_id, trigger_kind, signal_id, signal)
        values (${pipeline.id}, 'signal', ${signal.signal_id!}, ${db.sql.json(signal)})
        returning id`;
      executions.set(signal.signal_id!, row.id);
    }
    return runPipeline({
      steps: config.steps,
      context: {
        signal,
        pipeline: {
          id: pipeline.id,
          owner_id: owner,
          name: pipeline.name,
          account: pipelineAccountName(pipeline),
        },
        execution: { id: executions.get(signal.signal_id!)!, trigger_kind: "signal", attempt },
        log: getLogger(["tickwire", "test"]),
        sql: db.sql,
        egress: egressPolicy(""),
        market: postgresMarket(db.sql),
        ledger: postgresLedger(db.sql),
      },
      registry: agentRegistry,
      defaultTimeoutSeconds: 30,
      stop: new AbortController().signal,
    });
  };
  return { bars, run, executions };
}

Deno.test("pipeline: Golden Cross on AAPL → indicators → rule → sizer → one paper order", async () => {
  await using db = await createTestDatabase();
  const { bars, run, executions } = await goldenCrossSetup(db);
  assert.equal(bars.length, 123);
  const crosses = detectSignals(bars, [goldenCrossScanner({ fast: 3, slow: 10 })], {
    priceColumn: "close",
  });
  const signal = crosses.find((s) => s.bar_date === "2009-05-01");
  assert.ok(signal, `no golden cross on 2009-05-01: ${crosses.map((s) => s.bar_date)}`);

  const first = await run(signal);
  assert.equal(first.status, "succeeded", JSON.stringify(first.steps));
  if (first.status !== "succeeded") return;
  const { indicators, size, order } = first.result.outputs as Record<
    string,
    Record<string, unknown>
  >;
  assert.equal(indicators!.date, "2009-05-01");
  assert.equal(indicators!.close, 135.81);
  assert.equal(size!.equity, 100_000);
  assert.equal(size!.price, 135.81);
  assert.deepEqual(
    { quantity: size!.quantity, limited_by: size!.limited_by, stop_distance: size!.stop_distance },
    EXPECTED_SIZE,
  );
  assert.deepEqual(
    {
      status: order!.status,
      side: order!.side,
      quantity: order!.quantity,
      fill_price: order!.fill_price,
      fees: order!.fees,
    },
    EXPECTED_ORDER,
  );

  // The worker retries the execution (say, a later step failed): the order is not placed again.
  const retry = await run(signal, 2);
  assert.equal(retry.status, "succeeded");
  if (retry.status !== "succeeded") return;
  const again = retry.result.outputs.order as Record<string, unknown>;
  assert.equal(again.order_id, order!.order_id);
  assert.equal(again.replayed, true);
  const orders = await db.sql`
    select ticker, side, quantity::float8, fill_price::float8, execution_id, step_id, signal_id
    from paper_orders`;
  assert.deepEqual(orders.map((o) => ({ ...o })), [{
    ticker: "AAPL",
    side: "buy",
    quantity: EXPECTED_ORDER.quantity,
    fill_price: EXPECTED_ORDER.fill_price,
    execution_id: executions.get(signal.signal_id)!,
    step_id: "order",
    signal_id: "golden_cross:AAPL:2009-05-01",
  }]);
});

Deno.test("pipeline: a death cross on AAPL ends at the rule, skipped, with no order", async () => {
  await using db = await createTestDatabase();
  const { bars, run } = await goldenCrossSetup(db);
  const [signal] = detectSignals(bars, [deathCrossScanner({ fast: 3, slow: 10 })], {
    priceColumn: "close",
  });
  assert.ok(signal);
  const outcome = await run(signal);
  assert.equal(outcome.status, "skipped");
  if (outcome.status !== "skipped") return;
  assert.equal(outcome.result.halted?.step, "entry");
  assert.deepEqual(outcome.steps.map((s) => s.status), [
    "succeeded",
    "halted",
    "skipped",
    "skipped",
  ]);
  const [{ count }] = await db.sql<[{ count: number }]>`select count(*)::int from paper_orders`;
  assert.equal(count, 0);
});
