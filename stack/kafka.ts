/**
 * `stack up|down|status` for Kafka: start a local KRaft broker from Maven Central jars when none
 * answers at KAFKA_BOOTSTRAP_SERVERS, create the signal and dead-letter topics, and stop only the
 * broker this checkout started.
 */
import type { Config } from "../shared/config.ts";
import { brokerAnswers, ensureTopics, waitForBroker } from "./kafka_admin.ts";
import {
  type BrokerAddress,
  brokerAddress,
  type KafkaLayout,
  kafkaLayout,
  log4jProperties,
  pomKafkaVersion,
  serverProperties,
} from "./kafka_config.ts";
import { ensureKafkaJars } from "./kafka_jars.ts";
import {
  brokerLogTail,
  formatStorage,
  runningBrokerPid,
  startBroker,
  stopBroker,
} from "./kafka_process.ts";

/** What every Kafka command needs. */
export interface KafkaStackOptions {
  config: Config;
  /** The project cache folder, e.g. "/repo/.cache". */
  cacheDir: string;
  /** stack/kafka/pom.xml. */
  pomPath: string;
  /** Where progress lines go (nowhere with --quiet). */
  say: (line: string) => void;
  /** How long to wait for the broker to answer; default 60 s. */
  startTimeoutMs?: number;
}

/** Makes sure a broker answers and our topics exist; starts a local broker if needed. */
export async function kafkaUp(options: KafkaStackOptions): Promise<void> {
  const { config, say } = options;
  const brokers = config.KAFKA_BOOTSTRAP_SERVERS;
  const address = brokerAddress(brokers);
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  if (await brokerAnswers(brokers)) {
    say(`kafka     up at ${brokers}`);
  } else if (!address.local) {
    say(`kafka     waiting for ${brokers} (not a local address, so not starting one)`);
    await waitForBroker(brokers, timeoutMs);
  } else {
    const layout = await layoutOf(options, address.port);
    const started = performance.now();
    const pid = await runningBrokerPid(layout) ??
      await startLocalBroker(layout, address, options);
    try {
      await waitForBroker(brokers, timeoutMs, async () => await runningBrokerPid(layout) !== null);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await brokerLogTail(layout)}`);
    }
    say(
      `kafka     up at ${brokers} (pid ${pid}, ${secondsSince(started)} s; log ${layout.logFile})`,
    );
  }
  const { created, notes } = await ensureTopics(brokers, [
    { topic: config.KAFKA_SIGNAL_TOPIC, partitions: config.KAFKA_TOPIC_PARTITIONS },
    { topic: config.KAFKA_DEAD_LETTER_TOPIC, partitions: config.KAFKA_TOPIC_PARTITIONS },
    { topic: config.KAFKA_BAR_TOPIC, partitions: config.KAFKA_TOPIC_PARTITIONS },
  ]);
  for (const topic of created) {
    say(`kafka     created topic "${topic}" (${config.KAFKA_TOPIC_PARTITIONS} partitions)`);
  }
  for (const note of notes) say(`kafka     note: ${note}`);
}

/** Stops the broker this checkout started at the configured port; `purge` deletes its data. */
export async function kafkaDown(options: KafkaStackOptions & { purge: boolean }): Promise<void> {
  const { config, say } = options;
  const address = brokerAddress(config.KAFKA_BOOTSTRAP_SERVERS);
  const layout = await layoutOf(options, address.port);
  const pid = await stopBroker(layout);
  if (pid !== null) {
    say(`kafka     stopped (pid ${pid})`);
  } else if (await brokerAnswers(config.KAFKA_BOOTSTRAP_SERVERS)) {
    say(
      `kafka     at ${config.KAFKA_BOOTSTRAP_SERVERS} was not started by this checkout; left running`,
    );
  } else {
    say("kafka     not running");
  }
  if (options.purge) {
    const deleted = await Deno.remove(layout.home, { recursive: true }).then(
      () => true,
      (error) => {
        if (error instanceof Deno.errors.NotFound) return false;
        throw error;
      },
    );
    say(deleted ? `kafka     deleted ${layout.home}` : `kafka     no data at ${layout.home}`);
  }
}

/** One status line for Kafka, and whether it answers. */
export async function kafkaStatus(options: KafkaStackOptions): Promise<[boolean, string]> {
  const brokers = options.config.KAFKA_BOOTSTRAP_SERVERS;
  const address = brokerAddress(brokers);
  const pid = address.local ? await runningBrokerPid(await layoutOf(options, address.port)) : null;
  const owner = pid === null ? "" : ` (pid ${pid}, started by this checkout)`;
  if (await brokerAnswers(brokers)) return [true, `kafka     up at ${brokers}${owner}`];
  return [false, `kafka     down at ${brokers}${owner ? `${owner}, not answering` : ""}`];
}

async function layoutOf(options: KafkaStackOptions, port: number): Promise<KafkaLayout> {
  const version = pomKafkaVersion(await Deno.readTextFile(options.pomPath));
  return kafkaLayout(options.cacheDir, version, port);
}

async function startLocalBroker(
  layout: KafkaLayout,
  address: BrokerAddress,
  { pomPath, say }: KafkaStackOptions,
): Promise<number> {
  await Deno.mkdir(layout.dataDir, { recursive: true });
  say(`kafka     starting Kafka ${layout.version} at ${address.host}:${address.port}`);
  const resolveStart = performance.now();
  if (await ensureKafkaJars(layout, pomPath, (line) => say(`kafka     ${line}`))) {
    say(`kafka     resolved jars with mvn in ${secondsSince(resolveStart)} s into ${layout.libs}`);
  }
  await Deno.writeTextFile(layout.serverProperties, serverProperties(address, layout.dataDir));
  await Deno.writeTextFile(layout.log4jConfig, log4jProperties(layout.logFile));
  if (await formatStorage(layout)) say(`kafka     formatted storage in ${layout.dataDir}`);
  return await startBroker(layout);
}

function secondsSince(start: number): string {
  return ((performance.now() - start) / 1000).toFixed(1);
}
