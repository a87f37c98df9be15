// The backtest against the live system: the example pipeline over the S&P 500's daily bars, run
// through Kafka by the real dispatcher, worker and paper-ledger processes, books the same trades
// as `runBacktest`. The test plays the signal generator's part day by day, the way it does live:
// a day's bars are stored and published to the bar topic, and its signals to the signal topic.
// It steps on only when the system has caught up (the ledger has applied every bar sent, the
// worker has finished every signal's run), so the result does not depend on the machine's speed:
// live, a day lasts far longer than the system takes to act on it.
import "vega-datasets";
import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import type { Producer } from "kafkajs";
import { createTestDatabase } from "./fixtures/database.ts";
import { createTestKafka } from "./fixtures/kafka.ts";
import { createTestRedis } from "./fixtures/redis.ts";
import { insertPipeline, insertUser } from "./fixtures/pipelines.ts";
import {
  freePort,
  type ServiceProcess,
  stackEnv,
  startService,
  untilReady,
} from "./fixtures/processes.ts";
import { agentRegistry } from "../shared/agents/registry.ts";
import { accountStats } from "../shared/ledger/account_stats.ts";
import type { Bar } from "../shared/market/bar.ts";
import { writeBars } from "../shared/market/bars_store.ts";
import { readCsvBars } from "../shared/market/csv_files.ts";
import { pollUntil } from "../shared/poll_until.ts";
import { toBarMessages } from "../shared/schemas/bar_message.ts";
import type { TickerSignal } from "../shared/schemas/signal.ts";
import { toSignalMessages } from "../shared/signals/signal_messages.ts";
import { readPipelineFile } from "../services/backtest/load_backtest.ts";
import { runBacktest } from "../services/backtest/run_backtest.ts";
import { detectSignals } from "../services/signal_generator/detect_signals.ts";
import { scannerRegistry } from "../services/signal_generator/scanners/registry.ts";

const sp500 = new URL("../data/sp500-2000.csv", import.meta.resolve("vega-datasets")).pathname;

/** A counter's value on a service's /metrics, or 0 before it is first counted. */
async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1] ?? 0);
}

Deno.test({
  name: "backtest parity, live: the dispatcher, worker and paper ledger book the backtest's trades",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
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
    assert.ok(backtest.trades.length > 0, "the backtest trades");

    await using db = await createTestDatabase();
    await using redis = await createTestRedis();
    await using kafka = await createTestKafka(3);
    const barTopic = await kafka.createTopic(3);
    const deadLetters = await kafka.createTopic(1);
    const owner = await insertUser(db.sql);
    const stored = await insertPipeline(db.sql, owner, pipeline);
    const ports = { dispatcher: freePort(), worker: freePort(), ledger: freePort() };
    const env = {
      ...stackEnv({ db, redis, kafka }, deadLetters),
      KAFKA_BAR_TOPIC: barTopic,
      KAFKA_BAR_CONSUMER_GROUP: `${barTopic}-ledger`,
      METRICS_PORT_DISPATCHER: String(ports.dispatcher),
      METRICS_PORT_WORKER: String(ports.worker),
      METRICS_PORT_PAPER_LEDGER: String(ports.ledger),
    };
    const services: ServiceProcess[] = [
      startService("dispatcher", env),
      startService("worker", env),
      startService("paper_ledger", env),
    ];
    const producer: Producer = kafka.kafka.producer({ idempotent: true });
    try {
      await producer.connect();
      // Ready: the dispatcher's and the ledger's groups have joined, so nothing sent is skipped.
      for (const port of Object.values(ports)) await untilReady(port);
      await pollUntil("the dispatcher to index the pipeline", async () => {
        const n = await metric(ports.dispatcher, "tickwire_dispatcher_pipelines_indexed");
        return n >= 1 ? true : undefined;
      }, { timeoutMs: 10_000, intervalMs: 50 });

      const signalsByDay = Map.groupBy(
        detectSignals(bars, scanners, { priceColumn: "close" }),
        (s) => s.bar_date,
      );
      let barsSent = 0;
      let signalsSent = 0;
      let next = 0;
      /** Stores and publishes the bars up to `date`, then waits until the ledger applied them. */
      const sendBarsThrough = async (date: string) => {
        const day: Bar[] = [];
        while (next < bars.length && bars[next]!.date <= date) day.push(bars[next++]!);
        if (day.length === 0) return;
        // The generator's order: a bar is stored before it is published (agents read the store).
        await writeBars(db.sql, day);
        await producer.send({ topic: barTopic, acks: -1, messages: toBarMessages(day) });
        barsSent += day.length;
        await pollUntil(`the paper ledger to apply ${barsSent} bars`, async () => {
          const applied = await metric(ports.ledger, "tickwire_paper_ledger_bars_total");
          return applied >= barsSent ? true : undefined;
        }, { timeoutMs: 30_000, intervalMs: 20 });
      };
      /** Publishes a day's signals, then waits until each one's run has finished. */
      const sendSignals = async (signals: TickerSignal[]) => {
        await producer.send({
          topic: kafka.topic,
          acks: -1,
          messages: toSignalMessages(signals, new Date().toISOString()),
        });
        signalsSent += signals.length;
        await pollUntil(`${signalsSent} runs to finish`, async () => {
          const [row] = await db.sql<[{ finished: number; failed: number }]>`
            select count(*) filter (where status in ('succeeded', 'failed', 'skipped', 'rejected'))::int
                     as finished,
                   count(*) filter (where status = 'failed')::int as failed
            from pipeline_executions where pipeline_id = ${stored.id}`;
          assert.equal(row.failed, 0, "no run fails");
          return row.finished >= signalsSent ? true : undefined;
        }, { timeoutMs: 30_000, intervalMs: 20 });
      };

      for (const [date, signals] of [...signalsByDay].sort(([a], [b]) => a.localeCompare(b))) {
        await sendBarsThrough(date);
        await sendSignals(signals);
      }
      await sendBarsThrough(bars.at(-1)!.date);

      const [claimed] = await db.sql<[{ n: number }]>`
        select count(*)::int as n from pipeline_executions where pipeline_id = ${stored.id}`;
      assert.equal(claimed.n, signalsSent, "one run per signal, none lost, none doubled");
      const [account] = await db.sql`
        select id, owner_id, name, currency, starting_cash::float8, cash::float8, created_at
        from paper_accounts`;
      assert.ok(account, "the pipeline's run opened its paper account");
      const live = await accountStats(db.sql, account as never);
      assert.equal(live.trades.length, backtest.trades.length);
      assert.deepEqual(live.trades, backtest.trades);
      assert.equal(account.cash, backtest.stats.final_equity);
    } catch (error) {
      for (const s of services) console.error(`--- ${s.name}\n${s.output().slice(-4000)}`);
      throw error;
    } finally {
      await producer.disconnect().catch(() => {});
      await Promise.all(services.map((s) => s.stop()));
    }
  },
});
