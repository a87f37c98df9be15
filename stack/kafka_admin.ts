/** Talks to a broker with kafkajs' admin client: is it up, wait for it, create our topics. */
import { createKafka } from "../shared/kafka.ts";
import { errorMessage } from "../shared/errors.ts";
import { sleep } from "../shared/sleep.ts";
import {
  type EnsuredTopics,
  ensureTopics as ensure,
  type TopicSpec,
} from "../shared/kafka_topics.ts";

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
    await sleep(500);
  }
  throw new Error(
    `Kafka at ${brokers} did not answer metadata within ${timeoutMs / 1000} s: ${lastError}`,
  );
}

/**
 * Creates each missing topic (replication factor 1: the stack's one broker) and waits for its
 * leaders; returns the topics created and notes about existing topics with fewer partitions.
 */
export function ensureTopics(
  brokers: string,
  specs: Omit<TopicSpec, "replicationFactor">[],
): Promise<EnsuredTopics> {
  return ensure(
    createKafka({ brokers, clientId: "tickwire-stack" }),
    specs.map((s) => ({ ...s, replicationFactor: 1 })),
  );
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
