/**
 * The paper ledger faulted while it applies a stream of bars: SIGKILLed and a successor started,
 * or its Postgres taken away for 15 s. Every position's stop is hit by one bar, and each must
 * close exactly once. Expected: one stop exit per position; lost: positions never closed;
 * doubled: exit orders beyond one per position; stuck: positions still open at the end; recovery:
 * from the end of the fault (the successor's start, Postgres back) until every position closed.
 * Bars applied but not committed when the fault hit are read and applied again: that must book
 * nothing twice (a position remembers the last bar it checked).
 */
import { createKafka } from "../../shared/kafka.ts";
import { pollUntil } from "../../shared/poll_until.ts";
import { bookOrder } from "../../shared/ledger/book_order.ts";
import { NO_EXITS } from "../../shared/ledger/exits.ts";
import type { Bar } from "../../shared/market/bar.ts";
import { writeBars } from "../../shared/market/bars_store.ts";
import { toBarMessages } from "../../shared/schemas/bar_message.ts";
import { insertUser } from "../../tests/fixtures/pipelines.ts";
import { orderRequest } from "../../tests/fixtures/paper_orders.ts";
import { freePort, type ServiceProcess, untilReady } from "../../tests/fixtures/processes.ts";
import { chaosLogDir, type ChaosStack, createChaosStack } from "./chaos_stack.ts";
import { type TrialResult, trialResult } from "./trial_result.ts";

/** The faults: the ledger SIGKILLed and replaced, or its Postgres unreachable. */
export type LedgerFault = "SIGKILL" | "Postgres outage";
const OUTAGE_MS = 15_000;
const POSITIONS = 40;
const DAYS = 20;
/** Every position: 10 bought at 100, a stop at 95. */
const STOP = 95;

/** Ticker `i`'s bar of day `day` (1-based, from 2024-01-03): its stop is hit on one day only. */
function bar(i: number, day: number): Bar {
  const hit = day === 1 + (i % (DAYS - 2));
  const date = new Date(Date.UTC(2024, 0, 2 + day)).toISOString().slice(0, 10);
  return {
    ticker: `L${String(i).padStart(2, "0")}`,
    date,
    open: 100,
    high: 101,
    low: hit ? STOP - 3 : 99,
    close: hit ? STOP - 2 : 100,
    adj_close: hit ? STOP - 2 : 100,
    volume: 0,
  };
}

/** Runs the trial with `fault`. */
export async function ledgerTrial(brokers: string, fault: LedgerFault): Promise<TrialResult> {
  const trial = `paper ledger ${fault}`;
  const logDir = chaosLogDir(trial);
  await using stack = await createChaosStack(brokers, { logDir });
  const kafka = createKafka({ brokers, clientId: "tickwire-chaos-bars" });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const topic = `${stack.topic}-bars`;
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  await producer.connect();
  try {
    const owner = await insertUser(stack.db.sql);
    const days = Array.from({ length: DAYS }, (_, d) => d + 1);
    const tickers = Array.from({ length: POSITIONS }, (_, i) => i);
    for (const i of tickers) {
      await bookOrder(
        stack.db.sql,
        orderRequest(owner, {
          ticker: bar(i, 1).ticker,
          quantity: 10,
          price: 100,
          exits: { ...NO_EXITS, stop_price: STOP },
        }),
      );
    }
    const bars = days.flatMap((d) => tickers.map((i) => bar(i, d)));
    await writeBars(stack.db.sql, bars);
    const publish = (some: Bar[]) => producer.send({ topic, messages: toBarMessages(some) });
    const start = () => {
      const port = freePort();
      const ledger = stack.start("paper_ledger", {
        KAFKA_BAR_TOPIC: topic,
        KAFKA_BAR_CONSUMER_GROUP: `${topic}-ledger`,
        METRICS_PORT_PAPER_LEDGER: String(port),
        // At info: its "Applying bars again after …" is what a slow recovery needs.
        LOG_LEVEL: "info",
      });
      return { ledger, port };
    };

    const first = start();
    await untilReady(first.port, { timeoutMs: 60_000 });
    const half = bars.length / 2;
    await publish(bars.slice(0, half));
    await pollUntil(
      "five stops closed before the fault",
      async () => (await exits(stack)).orders >= 5 || undefined,
      { timeoutMs: 60_000 },
    );
    let atFault;
    if (fault === "SIGKILL") {
      const victim: ServiceProcess = first.ledger;
      victim.child.kill("SIGKILL");
      atFault = await exits(stack);
      await victim.stop(1000);
      start();
    } else {
      atFault = await exits(stack);
      await stack.postgresProxy.outage(OUTAGE_MS);
    }
    const faultEnded = performance.now();
    await publish(bars.slice(half));
    const recovered = await pollUntil(
      "every position closed",
      async () => (await exits(stack)).closed >= POSITIONS || undefined,
      { timeoutMs: 90_000, intervalMs: 250 },
    ).then(() => performance.now(), () => null);
    const recoverSeconds = recovered === null ? null : (recovered - faultEnded) / 1000;
    // A late duplicate would come from bars read again: look once more a little later.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const end = await exits(stack);
    return trialResult({
      trial,
      fault: fault === "SIGKILL"
        ? `SIGKILL of the ledger mid-stream (${bars.length} bars, ${POSITIONS} stops), restarted`
        : `the ledger's Postgres cut and refused for ${
          OUTAGE_MS / 1000
        } s mid-stream (${bars.length} bars, ${POSITIONS} stops)`,
      expected: POSITIONS,
      lost: POSITIONS - end.closedOnce - end.closedTwice,
      doubled: end.orders - end.closedOnce - end.closedTwice,
      stuck: POSITIONS - end.closed,
      http5xx: 0,
      recoverSeconds,
      notes: `${atFault.orders} of ${POSITIONS} stops had closed when the fault began`,
    });
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

/** Stop exits booked: orders in all, positions with one or more, and positions closed. */
async function exits(stack: ChaosStack) {
  const [row] = await stack.db.sql<
    [{ orders: number; closed_once: number; closed_twice: number; closed: number }]
  >`
    with o as (select ticker, count(*)::int as n from paper_orders
               where exit_reason = 'stop' group by ticker)
    select coalesce(sum(n), 0)::int as orders,
      count(*) filter (where n = 1)::int as closed_once,
      count(*) filter (where n > 1)::int as closed_twice,
      (select count(*)::int from paper_positions where quantity = 0) as closed
    from o`;
  return {
    orders: row.orders,
    closedOnce: row.closed_once,
    closedTwice: row.closed_twice,
    closed: row.closed,
  };
}
