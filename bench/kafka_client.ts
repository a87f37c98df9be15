/**
 * Section kafka-client: the dispatcher's consume path (fetch + the dispatcher's own decode, no
 * Postgres, no Redis) with kafkajs, the client the product uses, against @platformatic/kafka, a
 * maintained one, on the same 6-partition topic of our KRaft broker, alternating run by run. Each
 * run is a new consumer group reading `signals` messages from the start; its clock runs from the
 * first message decoded to the last (joining the group is not counted), and its CPU is this
 * process's, joining included.
 */
import { Consumer } from "@platformatic/kafka";
import { decodeMessage } from "../services/dispatcher/decoded_message.ts";
import type { Logger } from "../shared/logging.ts";
import { createTestKafka, type TestKafka } from "../tests/fixtures/kafka.ts";
import type { BenchArgs } from "./bench_args.ts";
import { median } from "./percentiles.ts";
import { produceSignals } from "./signal_producer.ts";

/** One client's runs: messages/s and CPU µs per message, medians and each run. */
export interface ClientRuns {
  version: string;
  messages_per_s: number;
  cpu_us_per_message: number;
  runs: { messages_per_s: number; cpu_us_per_message: number }[];
}

/** What the section measured. */
export interface KafkaClientResult {
  messages: number;
  partitions: number;
  kafkajs: ClientRuns;
  platformatic: ClientRuns;
  /** platformatic ÷ kafkajs, messages/s (median). */
  ratio: number;
}

const PARTITIONS = 6;

/** This process's user + system CPU so far, in µs (/proc, 100 ticks per second). */
function cpuMicros(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

/** Consumes every message with kafkajs as the dispatcher does (eachBatch, decode each). */
async function consumeKafkajs(k: TestKafka, count: number): Promise<number> {
  const consumer = k.kafka.consumer({
    groupId: `twbench-kjs-${crypto.randomUUID().slice(0, 8)}`,
    minBytes: 1,
    maxBytes: 16 << 20,
    maxBytesPerPartition: 2 << 20,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: k.topic, fromBeginning: true });
    const done = Promise.withResolvers<number>();
    let decoded = 0;
    let startMs: number | undefined;
    await consumer.run({
      autoCommit: false,
      eachBatch: ({ batch }) => {
        startMs ??= performance.now();
        const receivedAtMs = Date.now();
        for (const m of batch.messages) {
          if (decodeMessage(batch.topic, batch.partition, m, receivedAtMs).parsed.ok) decoded++;
        }
        if (decoded >= count) done.resolve(performance.now() - startMs!);
        return Promise.resolve();
      },
    });
    return await done.promise;
  } finally {
    await consumer.disconnect();
  }
}

/** Consumes every message with @platformatic/kafka's stream, decoding each the same way. */
async function consumePlatformatic(k: TestKafka, count: number): Promise<number> {
  const consumer = new Consumer({
    groupId: `twbench-plt-${crypto.randomUUID().slice(0, 8)}`,
    clientId: "tickwire-bench",
    bootstrapBrokers: k.brokers.split(",").map((b) => b.trim()),
    minBytes: 1,
    maxBytes: 16 << 20,
    maxBytesPerPartition: 2 << 20,
    maxWaitTime: 100,
  });
  try {
    const done = Promise.withResolvers<number>();
    let decoded = 0;
    let startMs: number | undefined;
    const stream = await consumer.consume({
      topics: [k.topic],
      mode: "earliest",
      autocommit: false,
    });
    stream.on("data", (m) => {
      startMs ??= performance.now();
      const raw = {
        offset: String(m.offset),
        timestamp: String(m.timestamp),
        key: m.key,
        value: m.value,
      };
      if (decodeMessage(m.topic, m.partition, raw, Date.now()).parsed.ok) decoded++;
      if (decoded >= count) done.resolve(performance.now() - startMs!);
    });
    stream.on("error", (error) => done.reject(error));
    const ms = await done.promise;
    await stream.close();
    return ms;
  } finally {
    await consumer.close(true);
  }
}

/** The version deno.json pins for `name` (`npm:<name>@<version>`). */
async function pinnedVersion(name: string): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  return String(config.imports[name]).split("@").at(-1)!;
}

/** Produces the messages once, then alternates the clients `args.runs` times each. */
export async function runKafkaClient(
  args: BenchArgs,
  signal: AbortSignal,
  log: Logger,
): Promise<KafkaClientResult> {
  await using k = await createTestKafka(PARTITIONS);
  const count = args.signals;
  await produceSignals({ kafka: k.kafka, topic: k.topic, idPrefix: "kc", tickers: 1000 }, count);
  const runs = { kafkajs: [] as ClientRuns["runs"], platformatic: [] as ClientRuns["runs"] };
  const measure = async (consume: (k: TestKafka, n: number) => Promise<number>) => {
    const cpu0 = cpuMicros();
    const ms = await consume(k, count);
    return {
      messages_per_s: Math.round(count / (ms / 1000)),
      cpu_us_per_message: Math.round(((cpuMicros() - cpu0) / count) * 10) / 10,
    };
  };
  for (let run = 0; run < args.runs && !signal.aborted; run++) {
    runs.kafkajs.push(await measure(consumeKafkajs));
    runs.platformatic.push(await measure(consumePlatformatic));
    log.info("Kafka client run {run}: kafkajs {kafkajs}, @platformatic/kafka {platformatic}", {
      run: run + 1,
      kafkajs: runs.kafkajs.at(-1),
      platformatic: runs.platformatic.at(-1),
    });
  }
  const summary = async (name: string, r: ClientRuns["runs"]): Promise<ClientRuns> => ({
    version: await pinnedVersion(name),
    messages_per_s: median(r.map((x) => x.messages_per_s)),
    cpu_us_per_message: median(r.map((x) => x.cpu_us_per_message)),
    runs: r,
  });
  const kafkajs = await summary("kafkajs", runs.kafkajs);
  const platformatic = await summary("@platformatic/kafka", runs.platformatic);
  return {
    messages: count,
    partitions: PARTITIONS,
    kafkajs,
    platformatic,
    ratio: Math.round((platformatic.messages_per_s / kafkajs.messages_per_s) * 100) / 100,
  };
}
