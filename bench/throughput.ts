/**
 * Section 1, dispatcher throughput: N signals are produced first, then a dispatcher process
 * (10 000 active `skip` pipelines over 1 000 tickers) consumes them from offset 0; the clock runs
 * from the group becoming Stable (consumption starts; the index load is not counted) to the last
 * offset committed, which the dispatcher only does once the batch's jobs are on the stream.
 */
import type { Logger } from "../shared/logging.ts";
import type { BenchArgs } from "./bench_args.ts";
import { insertBenchPipelines } from "./bench_pipelines.ts";
import { openBenchStack } from "./bench_stack.ts";
import { produceSignals } from "./signal_producer.ts";
import { waitUntil } from "./wait_until.ts";

/** One scenario's outcome. */
export interface ThroughputRun {
  scenario: string;
  signals: number;
  seconds: number;
  signals_per_s: number;
  jobs_enqueued: number;
  batches: number;
  mean_batch_signals: number;
  mean_batch_ms: number;
  claim_statements: number;
}

/** Runs one scenario on its own stack: with `workers`, a worker process drains the jobs. */
export async function runThroughput(
  args: BenchArgs,
  scenario: { name: string; workers: boolean },
  signal: AbortSignal,
  log: Logger,
): Promise<ThroughputRun> {
  await using stack = await openBenchStack();
  await insertBenchPipelines(stack.db.sql, {
    count: args.pipelines,
    tickers: args.tickers,
    overlapPolicy: "skip",
  });
  const produceStart = performance.now();
  await produceSignals({
    kafka: stack.kafka.kafka,
    topic: stack.kafka.topic,
    idPrefix: "tp",
    tickers: args.tickers,
  }, args.signals);
  log.info("Produced {signals} signals in {seconds} s", {
    signals: args.signals,
    seconds: ((performance.now() - produceStart) / 1000).toFixed(1),
  });
  await stack.rewindGroup();
  if (scenario.workers) stack.startWorker(args.concurrency);
  const dispatcher = stack.startDispatcher(args.dispatcherEnv);
  const wait = { signal, intervalMs: 20 };
  try {
    await waitUntil("the dispatcher's index", async () => {
      const m = await dispatcher.metrics();
      return m.get("tickwire_dispatcher_pipelines_indexed") === args.pipelines ? true : undefined;
    }, { ...wait, timeoutMs: 60_000 });
    const started = await waitUntil("the consumer group to be Stable", async () => {
      return (await stack.groupState()) === "Stable" ? true : undefined;
    }, { ...wait, timeoutMs: 60_000 });
    const done = await waitUntil(`${args.signals} offsets committed`, async () => {
      return (await stack.committedOffsets()) >= args.signals ? true : undefined;
    }, { ...wait, timeoutMs: 600_000 });
    const m = await dispatcher.metrics();
    const seconds = (done.atMs - started.atMs) / 1000;
    const batches = m.get("tickwire_dispatcher_batch_size_count") ?? 0;
    const run = {
      scenario: scenario.name,
      signals: args.signals,
      seconds: round(seconds, 2),
      signals_per_s: Math.round(args.signals / seconds),
      jobs_enqueued: m.get("tickwire_dispatcher_jobs_enqueued_total") ?? 0,
      batches,
      mean_batch_signals: Math.round((m.get("tickwire_dispatcher_batch_size_sum") ?? 0) / batches),
      mean_batch_ms: round(
        1000 * (m.get("tickwire_dispatcher_batch_duration_seconds_sum") ?? 0) / batches,
        1,
      ),
      claim_statements: m.get("tickwire_dispatcher_db_statements_total") ?? 0,
    };
    log.info("Throughput ({scenario}): {signals_per_s} signals/s, {jobs_enqueued} jobs", run);
    return run;
  } catch (error) {
    log.error("Dispatcher output:\n{output}", { output: dispatcher.output().slice(-4000) });
    throw error;
  }
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
