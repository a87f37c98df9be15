/**
 * A user's expression scanner through the real system: API, dispatcher, worker and the signal
 * generator as processes over a small CSV market, with a fresh database, Redis prefix and Kafka
 * topics. The scanner's private signal goes through Kafka and runs its owner's pipeline on the
 * ticker, and not another user's pipeline on the same ticker.
 */
import assert from "node:assert/strict";
import { createTestDatabase } from "./fixtures/database.ts";
import { createTestKafka } from "./fixtures/kafka.ts";
import { createTestRedis } from "./fixtures/redis.ts";
import { pollUntil } from "../shared/poll_until.ts";
import {
  freePort,
  type ServiceProcess,
  stackEnv,
  startService,
  untilReady,
} from "./fixtures/processes.ts";
import { apiClient } from "./fixtures/api_client.ts";

/** The generator's warm-up (generator.ts): days before this one are history, not scanned. */
const WARMUP_DAYS = 250;
/** The day (1-based) the close jumps from 100 to 120, a few days into live scanning. */
const JUMP_DAY = WARMUP_DAYS + 3;
const DAYS = WARMUP_DAYS + 6;

/** One ticker, flat at 100 and then at 120: `crossover(close, 110)` fires on the jump only. */
function marketCsv(): { csv: string; jumpDate: string } {
  const date = (day: number) => new Date(Date.UTC(2020, 0, day)).toISOString().slice(0, 10);
  const rows = ["Date,Open,High,Low,Close,Adj Close,Volume,Ticker"];
  for (let day = 1; day <= DAYS; day++) {
    const close = day < JUMP_DAY ? 100 : 120;
    rows.push(`${date(day)},${close},${close},${close},${close},${close},1000,AAA`);
  }
  return { csv: `${rows.join("\n")}\n`, jumpDate: date(JUMP_DAY) };
}

interface Execution {
  status: string;
  signal_id: string | null;
  signal: Record<string, unknown> | null;
}

Deno.test({
  name: "user scanners: a scanner's signal runs its owner's pipeline on the ticker, not another's",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using db = await createTestDatabase();
    await using redis = await createTestRedis();
    await using kafka = await createTestKafka(3);
    const dlq = await kafka.createTopic(1);
    const bars = await kafka.createTopic(1);
    const dir = await Deno.makeTempDir({ prefix: "tickwire-user-scanner-" });
    const { csv, jumpDate } = marketCsv();
    await Deno.writeTextFile(`${dir}/market.csv`, csv);
    const apiPort = freePort();
    const env = {
      ...stackEnv({ db, redis, kafka }, dlq),
      KAFKA_BAR_TOPIC: bars,
      API_PORT: String(apiPort),
      METRICS_PORT_DISPATCHER: String(freePort()),
      METRICS_PORT_WORKER: String(freePort()),
      METRICS_PORT_SIGNAL_GENERATOR: String(freePort()),
    };
    const services: ServiceProcess[] = ["api", "dispatcher", "worker"]
      .map((name) => startService(name, env));
    const base = `http://127.0.0.1:${apiPort}`;
    const api = apiClient<Execution>(base);
    const { call, user, executions } = api;
    const pipeline = (token: string, name: string) => api.logPipeline(token, name, "AAA");
    try {
      await api.healthy();
      const alice = await user("alice@tickwire.local");
      const bob = await user("bob@tickwire.local");
      const scanner = await call("POST", "/api/v1/scanners", {
        name: "breakout 110",
        tickers: ["AAA"],
        expression: "crossover(close, 110)",
        direction: "BULLISH",
        confidence: 81,
      }, alice);
      assert.equal(scanner.status, 201, JSON.stringify(scanner.body));
      const alicePipeline = await pipeline(alice, "alice AAA");
      const bobPipeline = await pipeline(bob, "bob AAA");
      // A new group starts at the topic's end: the generator publishes only once it has joined.
      await untilReady(Number(env.METRICS_PORT_DISPATCHER));
      // golden_cross cannot fire on this market (SMA50 − SMA200 is 0 until the jump, and a
      // first sign is not a cross), so every signal on the topic is the user scanner's.
      const generator = startService("signal_generator", {
        ...env,
        SIGNAL_SOURCE: "csv",
        SIGNAL_CSV_PATH: `${dir}/market.csv`,
        SIGNAL_SCANNERS: "golden_cross",
        SIGNAL_INTERVAL_SECONDS: "0",
      });
      services.push(generator);

      const [run] = await pollUntil("alice's execution to succeed", async () => {
        const runs = await executions(alicePipeline, alice);
        return runs[0]?.status === "succeeded" ? runs : undefined;
      }, { timeoutMs: 60_000 });
      const source = `scanner:${scanner.body.id}`;
      assert.equal(run!.signal_id, `${source}:AAA:${jumpDate}`);
      assert.equal(run!.signal?.source, source);
      assert.equal(run!.signal?.signal, "BULLISH");
      assert.equal(run!.signal?.confidence, 81);
      assert.equal(run!.signal?.bar_date, jumpDate);

      // Every live day has gone out once the generator says the market is exhausted; the
      // dispatcher decided both pipelines in the batch that ran alice's.
      await pollUntil(
        "the generator to reach the end of the CSV",
        () => generator.output().includes("Market data exhausted") ? true : undefined,
        {
          timeoutMs: 30_000,
        },
      );
      assert.equal((await executions(alicePipeline, alice)).length, 1, "one fire, one run");
      assert.deepEqual(await executions(bobPipeline, bob), []);
      const [{ count }] = await db.sql<[{ count: number }]>`
        select count(*)::int from signal_log where ticker = 'AAA'`;
      assert.equal(count, 1, "the scanner's signal is the only one the dispatcher consumed");
    } catch (error) {
      for (const s of services) console.error(`--- ${s.name}\n${s.output().slice(-3000)}`);
      throw error;
    } finally {
      await Promise.all(services.map((s) => s.stop()));
      await Deno.remove(dir, { recursive: true });
    }
  },
});
