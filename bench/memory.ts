/**
 * Section 5, memory: the resident set of a dispatcher process (from /proc/<pid>/status) once it
 * has loaded `memoryPipelines` active signal pipelines (inserted by one statement), idle and then
 * after consuming a burst of signals against them.
 */
import type { Logger } from "../shared/logging.ts";
import { sleep } from "../shared/sleep.ts";
import type { BenchArgs } from "./bench_args.ts";
import { insertBenchPipelines } from "./bench_pipelines.ts";
import { openBenchStack } from "./bench_stack.ts";
import { produceSignals } from "./signal_producer.ts";
import { waitUntil } from "./wait_until.ts";

/** What the section measured, in MB. */
export interface MemoryResult {
  pipelines: number;
  /** RSS after the load and a burst of `burst_signals` signals: the key figure. */
  dispatcher_rss_mb: number;
  dispatcher_rss_idle_mb: number;
  dispatcher_peak_rss_mb: number;
  burst_signals: number;
}

/** Reads a `VmXxx:  123 kB` line of /proc/<pid>/status, in MB. */
async function procMb(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1];
  if (!kb) throw new Error(`Cannot read ${field} of process ${pid}`);
  return Math.round(Number(kb) / 1024 * 10) / 10;
}

/** Measures one dispatcher. */
export async function runMemory(
  args: BenchArgs,
  signal: AbortSignal,
  log: Logger,
): Promise<MemoryResult> {
  await using stack = await openBenchStack();
  await insertBenchPipelines(stack.db.sql, {
    count: args.memoryPipelines,
    tickers: args.tickers,
    overlapPolicy: "skip",
  });
  const dispatcher = stack.startDispatcher(args.dispatcherEnv);
  const pid = dispatcher.child.pid;
  await waitUntil("the dispatcher to index every pipeline", async () => {
    const m = await dispatcher.metrics();
    const indexed = m.get("tickwire_dispatcher_pipelines_indexed") === args.memoryPipelines;
    return indexed && (await dispatcher.ready()) ? true : undefined;
  }, { signal, timeoutMs: 120_000, intervalMs: 100 });
  await sleep(3000, signal);
  const idle = await procMb(pid, "VmRSS");
  const burst = 20_000;
  await produceSignals({
    kafka: stack.kafka.kafka,
    topic: stack.kafka.topic,
    idPrefix: "mem",
    tickers: args.tickers,
  }, burst);
  await waitUntil(`${burst} offsets committed`, async () => {
    return (await stack.committedOffsets()) >= burst ? true : undefined;
  }, { signal, timeoutMs: 300_000, intervalMs: 100 });
  await sleep(2000, signal);
  const result = {
    pipelines: args.memoryPipelines,
    dispatcher_rss_mb: await procMb(pid, "VmRSS"),
    dispatcher_rss_idle_mb: idle,
    dispatcher_peak_rss_mb: await procMb(pid, "VmHWM"),
    burst_signals: burst,
  };
  log.info("Dispatcher memory with {pipelines} pipelines: {dispatcher_rss_mb} MB", result);
  return result;
}
