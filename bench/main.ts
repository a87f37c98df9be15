/**
 * `deno task bench [flags]`: measures the dispatcher, latency, database statements, workers
 * against BullMQ, memory, a 100-ticker backtest, the Kafka clients' consume path and the user
 * expression scanners' cost per live bar on this machine's stack (`deno task stack up`), then writes
 * `<out>/latest.json` and `<out>/latest.md`. Sections not run keep their values from the last
 * latest.json. Everything a section creates is removed when it ends, failed or not.
 */
import { parseConfig } from "../shared/config.ts";
import { connectPostgres } from "../shared/db.ts";
import { errorMessage } from "../shared/errors.ts";
import { setupLogging } from "../shared/logging.ts";
import { exitOnConfigError, shutdownSignal } from "../shared/process.ts";
import { connectRedis } from "../shared/redis.ts";
import { parseBenchArgs, USAGE } from "./bench_args.ts";
import { describeMachine } from "./machine.ts";
import { median } from "./percentiles.ts";
import { type BenchResults, renderReport } from "./report.ts";
import { runLatency } from "./latency.ts";
import { runMemory } from "./memory.ts";
import { runThroughput } from "./throughput.ts";
import { runWorkers } from "./workers.ts";
import { runBacktestBench } from "./backtest.ts";
import { runKafkaClient } from "./kafka_client.ts";
import { runScannerBench } from "./scanners.ts";

let args;
try {
  args = parseBenchArgs(Deno.args);
} catch (error) {
  console.error(`${errorMessage(error)}\nUsage: ${USAGE}`);
  Deno.exit(64);
}
const config = exitOnConfigError(() => parseConfig(Deno.env.toObject()));
const log = await setupLogging({ service: "bench", level: "info", format: config.LOG_FORMAT });
const signal = shutdownSignal();
const admin = connectPostgres(config.databaseUrl, { max: 2, applicationName: "tickwire-bench" });
const redis = connectRedis(config.REDIS_URL, {
  name: "tickwire-bench",
  log: log.getChild("redis"),
});
const jsonPath = `${args.out}/latest.json`;
const previous: Partial<BenchResults> = await Deno.readTextFile(jsonPath)
  .then((text) => JSON.parse(text)).catch(() => ({}));
const results: BenchResults = {
  ...previous,
  generated_at: new Date().toISOString(),
  command: ["deno task bench", ...Deno.args].join(" "),
  machine: await describeMachine(admin, redis),
  dispatcher_env: args.dispatcherEnv,
};

const sections = {
  throughput: async () => {
    const runs = [];
    for (let i = 0; i < 3 && !signal.aborted; i++) {
      runs.push(
        await runThroughput(args, { name: "skip, no workers", workers: false }, signal, log),
      );
    }
    const withWorkers = await runThroughput(
      args,
      { name: "skip, a worker draining", workers: true },
      signal,
      log,
    );
    results.dispatcher = {
      signals_per_s: median(runs.map((r) => r.signals_per_s)),
      runs,
      with_workers: withWorkers,
    };
  },
  latency: async () => {
    const r = await runLatency(args, admin, signal, log);
    const by = (pick: (d: (typeof r.db)[string]) => number) =>
      Object.fromEntries(Object.entries(r.db).map(([rate, d]) => [rate, pick(d)]));
    results.latency = r.latency;
    results.latency_started = r.latency_started;
    results.latency_achieved_rate = r.achieved_rate;
    results.db = {
      statements_per_s: by((d) => d.statements_per_s),
      statements_per_batch: by((d) => d.statements_per_batch),
      detail: r.db,
    };
  },
  workers: async () => {
    results.workers = await runWorkers(args, signal, log);
  },
  memory: async () => {
    results.memory = await runMemory(args, signal, log);
  },
  backtest: async () => {
    results.backtest = await runBacktestBench();
  },
  "kafka-client": async () => {
    results.kafka_client = await runKafkaClient(args, signal, log);
  },
  scanners: () => {
    results.scanners = runScannerBench();
    return Promise.resolve();
  },
};

let failed = false;
for (const section of args.only) {
  if (signal.aborted) break;
  const startMs = performance.now();
  log.info("Section {section} starting", { section });
  try {
    await sections[section]();
    log.info("Section {section} done in {seconds} s", {
      section,
      seconds: Math.round((performance.now() - startMs) / 1000),
    });
  } catch (error) {
    failed = true;
    log.error("Section {section} failed: {error}", { section, error: errorMessage(error) });
  }
}

await Deno.mkdir(args.out, { recursive: true });
await Deno.writeTextFile(jsonPath, JSON.stringify(results, null, 2) + "\n");
await Deno.writeTextFile(`${args.out}/latest.md`, renderReport(results));
console.log(renderReport(results));
redis.disconnect();
await admin.end({ timeout: 2 });
if (failed || signal.aborted) Deno.exitCode = 1;
