// The backtest's in-memory stores against the live ones: the example pipeline over the S&P 500's
// daily bars, run day by day the way the live services do it (each bar to the Postgres ledger as
// the paper-ledger service applies it, each matched signal through the worker's engine with the
// Postgres market and ledger), books the same trades as `runBacktest`. Kafka is not in the loop.
import "vega-datasets";
import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { createTestDatabase } from "./fixtures/database.ts";
import { insertPipeline, insertUser } from "./fixtures/pipelines.ts";
import { agentRegistry } from "../shared/agents/registry.ts";
import { egressPolicy } from "../shared/egress/egress_policy.ts";
import { accountStats } from "../shared/ledger/account_stats.ts";
import { pipelineAccountName } from "../shared/ledger/accounts.ts";
import { applyBar } from "../shared/ledger/apply_bar.ts";
import { postgresLedger } from "../shared/ledger/ledger.ts";
import { writeBars } from "../shared/market/bars_store.ts";
import { readCsvBars } from "../shared/market/csv_files.ts";
import { postgresMarket } from "../shared/market/market_data.ts";
import { readPipelineFile } from "../services/backtest/load_backtest.ts";
import { runBacktest } from "../services/backtest/run_backtest.ts";
import { detectSignals } from "../services/signal_generator/detect_signals.ts";
import { scannerRegistry } from "../services/signal_generator/scanners/registry.ts";
import { runPipeline } from "../services/worker/run_pipeline.ts";

const sp500 = new URL("../data/sp500-2000.csv", import.meta.resolve("vega-datasets")).pathname;

Deno.test("backtest parity: the live stores book the backtest's trades on the S&P 500", async () => {
  const pipeline = await readPipelineFile(
    new URL("../examples/golden_cross_long.json", import.meta.url).pathname,
  );
  const data = await readCsvBars(sp500, { fileTicker: "GSPC" });
  const bars = data.bars.get("GSPC")!;
  const scanners = [scannerRegistry.get("golden_cross")!, scannerRegistry.get("death_cross")!];
  const backtest = await runBacktest({
    pipeline,
    bars: data.bars,
    scanners,
    agents: agentRegistry,
    log: getLogger(["tickwire", "test"]),
  });

  await using db = await createTestDatabase();
  await writeBars(db.sql, bars);
  const owner = await insertUser(db.sql);
  const stored = await insertPipeline(db.sql, owner, pipeline);
  const signals = Map.groupBy(
    detectSignals(bars, scanners, { priceColumn: "close" }),
    (s) => s.bar_date,
  );
  const context = {
    pipeline: {
      id: stored.id,
      owner_id: owner,
      name: stored.name,
      account: pipelineAccountName(stored),
    },
    log: getLogger(["tickwire", "test"]),
    sql: db.sql,
    egress: egressPolicy(""),
    market: postgresMarket(db.sql),
    ledger: postgresLedger(db.sql),
  };
  for (const bar of bars) {
    await applyBar(db.sql, bar);
    for (const signal of signals.get(bar.date) ?? []) {
      const [execution] = await db.sql<[{ id: string }]>`
        insert into pipeline_executions (pipeline_id, trigger_kind, signal_id, signal)
        values (${stored.id}, 'signal', ${signal.signal_id}, ${db.sql.json(signal)})
        returning id`;
      const outcome = await runPipeline({
        steps: pipeline.config.steps,
        context: {
          ...context,
          signal,
          execution: { id: execution.id, trigger_kind: "signal", attempt: 1 },
        },
        registry: agentRegistry,
        defaultTimeoutSeconds: 30,
        stop: new AbortController().signal,
      });
      assert.equal(outcome.status, "succeeded", JSON.stringify(outcome.steps));
    }
  }
  const [account] = await db.sql`
    select id, owner_id, name, currency, starting_cash::float8, cash::float8, created_at
    from paper_accounts`;
  const live = await accountStats(db.sql, account as never);
  assert.equal(live.trades.length, 9);
  assert.deepEqual(live.trades, backtest.trades);
  assert.equal(account!.cash, backtest.stats.final_equity);
});
