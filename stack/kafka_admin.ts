/** Talks to a broker with kafkajs' admin client: is it up, wait for it, create our topics. */
import { createKafka } from "../shared/kafka.ts";
import { errorMessage } from "../shared/db.ts";

/** A topic `stack up` makes sure exists. */
export interface TopicSpec {
  topic: string;
  partitions: number;
}

/** Resolves true when a broker at `brokers` answers metadata with at least one live broker. */
export async function brokerAnswers(brokers: string): Promise<boolean> {
  return (await describeBrokers(brokers)) === null;
}

/**
 * Polls until a broker answers metadata, every 500 ms until `timeoutMs`; `alive` (optional)
 * reports whether the process we started still runs, so a crashed JVM fails at once.
 */
export async function waitForBroker(
  brokers: string,
  timeoutMs: number,
  alive: () => Promise<boolean> = () => Promise.resolve(true),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no answer yet";
  while (Date.now() < deadline) {
    const problem = await describeBrokers(brokers);
    if (problem === null) return;
    lastError = problem;
    if (!await alive()) throw new Error(`Kafka exited while starting (last probe: ${lastError})`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `Kafka at ${brokers} did not answer metadata within ${timeoutMs / 1000} s: ${lastError}`,
  );
}

/**
 * Creates each missing topic (replication factor 1) and waits for its leaders; returns the
 * topics created and notes about existing topics with fewer partitions than asked.
 */
export async function ensureTopics(
  brokers: string,
  specs: TopicSpec[],
): Promise<{ created: string[]; notes: string[] }> {
  const admin = createKafka({ brokers, clientId: "tickwire-stack" }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.partitions,
          replicationFactor: 1,
        })),
        waitForLeaders: true,
      });
    }
    const present = specs.filter((s) => existing.has(s.topic));
    const notes: string[] = [];
    if (present.length > 0) {
      const { topics } = await admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) });
      for (const spec of present) {
        const found = topics.find((t) => t.name === spec.topic)?.partitions.length ?? 0;
        if (found < spec.partitions) {
          notes.push(
            `topic "${spec.topic}" has ${found} partitions, fewer than ${spec.partitions}; ` +
              "it was left as it is",
          );
        }
      }
    }
    return { created: missing.map((s) => s.topic), notes };
  } finally {
    await admin.disconnect();
  }
}

/** null when a broker answered with live brokers, else why not. */
async function describeBrokers(brokers: string): Promise<string | null> {
  const admin = createKafka({ brokers, clientId: "tickwire-stack", retries: 0 }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 ? null : "no live broker in the metadata";
  } catch (error) {
    return errorMessage(error);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
