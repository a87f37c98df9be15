/** The flags of `deno task bench`, parsed and checked, pure. */
import { parseArgs } from "node:util";

/** The bench's sections, in the order they run. */
export const SECTIONS = [
  "throughput",
  "latency",
  "workers",
  "memory",
  "backtest",
  "kafka-client",
  "scanners",
] as const;
export type Section = (typeof SECTIONS)[number];

/** What one bench run does. */
export interface BenchArgs {
  /** Sections to run; default all. `latency` also measures the database statements. */
  only: Section[];
  /** Signals pre-produced for the throughput run; default 200 000. */
  signals: number;
  /** Active signal pipelines of the throughput run, and the tickers they watch. */
  pipelines: number;
  tickers: number;
  /** Paced rates of the latency run (signals/s); default 100, 1 000, 10 000. */
  rates: number[];
  /** Seconds each paced rate lasts; default 15. */
  seconds: number;
  /** Seconds the highest rate lasts in the end-to-end phase (signal → started); default 60. */
  e2eSeconds: number;
  /** Worker runs per contender (median reported); default 5. */
  runs: number;
  /** Jobs per worker run; default 20 000. */
  jobs: number;
  /** Worker concurrency of both contenders (and of the latency run's worker); default 50. */
  concurrency: number;
  /** Pipelines cached by the dispatcher whose memory is measured; default 100 000. */
  memoryPipelines: number;
  /** Where latest.json and latest.md go; default bench/results. */
  out: string;
  /** BATCH_SIZE / BATCH_TIMEOUT_SECONDS given to every dispatcher; default: the config's. */
  dispatcherEnv: Record<string, string>;
}

export const USAGE = `deno task bench [--only=${SECTIONS.join(",")}] [--signals=200000]
  [--pipelines=10000] [--tickers=1000] [--rates=100,1000,10000] [--seconds=15] [--e2e-seconds=60] [--runs=5]
  [--jobs=20000] [--concurrency=50] [--memory-pipelines=100000] [--out=bench/results]
  [--batch-size=N] [--batch-timeout=SECONDS]`;

const positive = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new Error(`Cannot parse --${name} "${value}": must be a positive whole number`);
  }
  return n;
};

/** Parses `argv`; throws an Error naming the bad flag. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      only: { type: "string", default: SECTIONS.join(",") },
      signals: { type: "string", default: "200000" },
      pipelines: { type: "string", default: "10000" },
      tickers: { type: "string", default: "1000" },
      rates: { type: "string", default: "100,1000,10000" },
      seconds: { type: "string", default: "15" },
      "e2e-seconds": { type: "string", default: "60" },
      runs: { type: "string", default: "5" },
      jobs: { type: "string", default: "20000" },
      concurrency: { type: "string", default: "50" },
      "memory-pipelines": { type: "string", default: "100000" },
      out: { type: "string", default: "bench/results" },
      "batch-size": { type: "string" },
      "batch-timeout": { type: "string" },
    },
  });
  const only = values.only.split(",").map((s) => s.trim()).filter(Boolean);
  for (const s of only) {
    if (!(SECTIONS as readonly string[]).includes(s)) {
      throw new Error(`Cannot parse --only "${values.only}": "${s}" is not one of ${SECTIONS}`);
    }
  }
  return {
    only: SECTIONS.filter((s) => only.includes(s)),
    signals: positive("signals", values.signals),
    pipelines: positive("pipelines", values.pipelines),
    tickers: positive("tickers", values.tickers),
    rates: values.rates.split(",").map((r) => positive("rates", r.trim())),
    seconds: positive("seconds", values.seconds),
    e2eSeconds: positive("e2e-seconds", values["e2e-seconds"]),
    runs: positive("runs", values.runs),
    jobs: positive("jobs", values.jobs),
    concurrency: positive("concurrency", values.concurrency),
    memoryPipelines: positive("memory-pipelines", values["memory-pipelines"]),
    out: values.out,
    dispatcherEnv: {
      ...(values["batch-size"]
        ? { BATCH_SIZE: String(positive("batch-size", values["batch-size"])) }
        : {}),
      ...(values["batch-timeout"] ? { BATCH_TIMEOUT_SECONDS: values["batch-timeout"] } : {}),
    },
  };
}
