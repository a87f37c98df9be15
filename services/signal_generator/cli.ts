/**
 * `deno task signals replay <csv-file-or-dir> [...]`: scans history offline and prints one JSON
 * object per signal and line (stdout); skipped rows and a summary go to stderr. With `--publish`
 * the signals go to Kafka instead, retried with backoff until delivered or interrupted.
 */
import { parseConfig } from "../../shared/config.ts";
import { errorMessage } from "../../shared/errors.ts";
import { createKafka, logLevel } from "../../shared/kafka.ts";
import { setupLogging } from "../../shared/logging.ts";
import { readCsvBars } from "../../shared/market/csv_files.ts";
import { formatProblem } from "../../shared/market/csv_bars.ts";
import { exitOnConfigError, shutdownSignal } from "../../shared/process.ts";
import { createGeneratorMetrics } from "./generator_metrics.ts";
import { parseReplayArgs, REPLAY_USAGE, type ReplayCommand } from "./replay_args.ts";
import { replayLine, replaySignals } from "./replay.ts";
import { createSignalPublisher } from "./signal_publisher.ts";
import type { DetectedSignal } from "./detect_signals.ts";

let command: ReplayCommand;
try {
  command = parseReplayArgs(Deno.args);
} catch (error) {
  console.error(`${errorMessage(error)}\n\n${REPLAY_USAGE}`);
  Deno.exit(2);
}

try {
  const data = await readCsvBars(command.path);
  for (const problem of data.problems) console.error(`Skipped ${formatProblem(problem)}`);
  const bars = command.ticker === undefined
    ? data.bars
    : new Map([...data.bars].filter(([ticker]) => ticker === command.ticker));
  if (bars.size === 0) {
    const found = [...data.bars.keys()].join(", ") || "none";
    throw new Error(
      `No bars for ticker "${command.ticker ?? ""}" in "${command.path}" (found: ${found})`,
    );
  }
  const signals = replaySignals(bars, command);
  const barCount = [...bars.values()].reduce((n, b) => n + b.length, 0);
  if (command.publish) await publish(signals);
  else for (const signal of signals) console.log(replayLine(signal));
  console.error(
    `${signals.length} signals from ${barCount} bars of ${bars.size} ticker(s) in ${data.files.length} file(s)` +
      (data.problems.length ? `; ${data.problems.length} bad rows skipped` : ""),
  );
} catch (error) {
  console.error(errorMessage(error));
  Deno.exitCode = 1;
}

async function publish(signals: DetectedSignal[]): Promise<void> {
  const config = exitOnConfigError(() => parseConfig(Deno.env.toObject()));
  const log = await setupLogging({
    service: "signals-cli",
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
  });
  const interrupted = shutdownSignal();
  const stop = new AbortController();
  const publisher = createSignalPublisher({
    kafka: createKafka({
      brokers: config.KAFKA_BOOTSTRAP_SERVERS,
      clientId: "tickwire-signals-cli",
      retries: 2,
      logLevel: logLevel.NOTHING,
    }),
    topic: config.KAFKA_SIGNAL_TOPIC,
    log,
    metrics: createGeneratorMetrics(),
    bufferMax: Math.max(config.SIGNAL_BUFFER_MAX, signals.length),
    partitions: config.KAFKA_TOPIC_PARTITIONS,
  });
  const emittedAt = new Date().toISOString();
  publisher.publish(signals.map((s) => ({ ...s, emitted_at: emittedAt })));
  const delivery = publisher.run(stop.signal);
  await publisher.idle(interrupted);
  stop.abort();
  await delivery;
  const sent = signals.length - publisher.pending;
  console.error(`Published ${sent} of ${signals.length} signals to "${config.KAFKA_SIGNAL_TOPIC}"`);
  if (publisher.pending > 0) Deno.exitCode = 1;
}
