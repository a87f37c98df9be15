/**
 * `deno task signal-generator`: turns market data (simulated or CSV) into signals on
 * KAFKA_SIGNAL_TOPIC, one trading day every SIGNAL_INTERVAL_SECONDS; keeps scanning and buffering
 * while Kafka is down, and never exits on its own.
 */
import { ConfigError, parseConfig, splitList } from "../../shared/config.ts";
import { errorMessage } from "../../shared/errors.ts";
import { createKafka, logLevel } from "../../shared/kafka.ts";
import type { Bar, MarketSource } from "../../shared/market/bar.ts";
import { toBarMessages } from "../../shared/schemas/bar_message.ts";
import { createBarWriter } from "../../shared/market/bar_writer.ts";
import { formatProblem } from "../../shared/market/csv_bars.ts";
import { readCsvBars } from "../../shared/market/csv_files.ts";
import { csvMarketSource } from "../../shared/market/csv_market_source.ts";
import { simulatedMarket } from "../../shared/market/simulated_market.ts";
import { logSummaries } from "../../shared/log_summary.ts";
import { serveMetrics } from "../../shared/metrics.ts";
import { bootService, exitOnConfigError, exitProcess } from "../../shared/process.ts";
import { closeStores, connectStores } from "../../shared/stores.ts";
import { tickerSchema } from "../../shared/schemas/ticker.ts";
import { runSignalGenerator } from "./generator.ts";
import { userScannerSignals, watchUserScanners } from "./user_scanners.ts";
import { createGeneratorMetrics, generatorSummary } from "./generator_metrics.ts";
import { selectScanners } from "./scanners/registry.ts";
import { createSignalPublisher } from "./signal_publisher.ts";
import { formatSignalTable } from "./signal_table.ts";

const config = exitOnConfigError(() => parseConfig(Deno.env.toObject()));
const { scanners, tickers } = exitOnConfigError(() => {
  const problems: string[] = [];
  const check = <T>(name: string, value: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      problems.push(`${name}=${JSON.stringify(value)}: ${errorMessage(error)}`);
    }
  };
  const scanners = check(
    "SIGNAL_SCANNERS",
    config.SIGNAL_SCANNERS,
    () => selectScanners(splitList(config.SIGNAL_SCANNERS)),
  );
  const tickers = check(
    "SIGNAL_TICKERS",
    config.SIGNAL_TICKERS,
    () => splitList(config.SIGNAL_TICKERS).map((t) => tickerSchema.parse(t)),
  );
  if (config.SIGNAL_SOURCE === "csv" && !config.SIGNAL_CSV_PATH) {
    problems.push('SIGNAL_CSV_PATH=undefined: required when SIGNAL_SOURCE is "csv"');
  }
  if (problems.length > 0 || !scanners || !tickers) throw new ConfigError(problems);
  return { scanners, tickers };
});
const { log, signal } = await bootService({ service: "signal-generator", config });
const metrics = createGeneratorMetrics();
const publisher = createSignalPublisher({
  kafka: createKafka({
    brokers: config.KAFKA_BOOTSTRAP_SERVERS,
    clientId: "tickwire-signal-generator",
    retries: 2,
    // Every failed attempt is logged once by the publisher; kafkajs would add a line per retry.
    logLevel: logLevel.NOTHING,
  }),
  topic: config.KAFKA_SIGNAL_TOPIC,
  log,
  metrics,
  bufferMax: config.SIGNAL_BUFFER_MAX,
  partitions: config.KAFKA_TOPIC_PARTITIONS,
});
// Every bar also goes to the bar topic, after it is stored, for the paper ledger's exits.
const barPublisher = createSignalPublisher<Bar>({
  kafka: createKafka({
    brokers: config.KAFKA_BOOTSTRAP_SERVERS,
    clientId: "tickwire-signal-generator-bars",
    retries: 2,
    logLevel: logLevel.NOTHING,
  }),
  topic: config.KAFKA_BAR_TOPIC,
  log,
  metrics: metrics.barPublisher,
  toMessages: toBarMessages,
  bufferMax: Math.max(config.SIGNAL_BUFFER_MAX, 100_000),
  partitions: config.KAFKA_TOPIC_PARTITIONS,
});
const stores = connectStores(config, {
  service: "signal-generator",
  poolSize: 2,
  redis: false,
  log,
});
const { sql } = stores;
const table = Deno.stdout.isTerminal();

try {
  const source = await openSource();
  const server = serveMetrics(metrics.registry, config.METRICS_PORT_SIGNAL_GENERATOR, signal);
  log.info(
    "Signal generator: {source} market, {tickers} tickers, scanners {scanners}, one day every {interval} s, metrics on :{port}",
    {
      source: config.SIGNAL_SOURCE,
      tickers: source.tickers.length,
      scanners: scanners.map((s) => s.name).join(","),
      interval: config.SIGNAL_INTERVAL_SECONDS,
      port: (server.addr as Deno.NetAddr).port,
      topic: config.KAFKA_SIGNAL_TOPIC,
    },
  );
  const delivery = publisher.run(signal);
  const barDelivery = barPublisher.run(signal);
  const storeBars = createBarWriter({ sql, log });
  logSummaries(log, generatorSummary(metrics), {
    everySeconds: config.LOG_SUMMARY_SECONDS,
    signal,
  });
  const userScanners = await watchUserScanners({
    sql,
    log,
    priceColumn: config.SIGNAL_PRICE_COLUMN,
  }, signal);
  const { days } = await runSignalGenerator({
    source,
    scanners,
    moreSignals(day, history, emittedAt) {
      const signingKey = userScanners.signingKey();
      if (!signingKey) return [];
      return userScannerSignals(day, history, userScanners.current(), {
        priceColumn: config.SIGNAL_PRICE_COLUMN,
        signingKey,
        emittedAt,
      });
    },
    priceColumn: config.SIGNAL_PRICE_COLUMN,
    publish: publisher.publish,
    log,
    metrics,
    intervalMs: config.SIGNAL_INTERVAL_SECONDS * 1000,
    async storeBars(bars) {
      await storeBars(bars);
      barPublisher.publish(bars);
    },
    onScan(date, signals) {
      if (table) {
        if (signals.length > 0) console.log(`${formatSignalTable(date, signals)}\n`);
        return;
      }
      for (const s of signals) {
        log.info("signal {ticker} {signal} {confidence} {scanner}", { ...s });
      }
    },
  }, signal);
  if (!signal.aborted) {
    log.info("Market data exhausted after {days} days; delivering what is left until stopped", {
      days,
    });
  }
  await delivery;
  await barDelivery;
  await server.finished;
} catch (error) {
  log.fatal("Signal generator stopped: {error}", { error: errorMessage(error) });
  Deno.exitCode = 1;
}
await closeStores(stores);
log.info("Signal generator stopped");

/** The configured market; a CSV source scans every ticker in its files (SIGNAL_TICKERS is the
 * simulated market's list). */
async function openSource(): Promise<MarketSource> {
  if (config.SIGNAL_SOURCE === "simulated") {
    return simulatedMarket({ tickers, seed: config.SIGNAL_SEED });
  }
  const data = await readCsvBars(config.SIGNAL_CSV_PATH!);
  for (const problem of data.problems) {
    metrics.dataProblems.inc();
    log.warn("Skipped {where}: {message}", { where: formatProblem(problem), ...problem });
  }
  if (data.bars.size === 0) {
    throw new Error(`No usable bars in "${config.SIGNAL_CSV_PATH}"`);
  }
  return csvMarketSource(data.bars);
}
await exitProcess();
