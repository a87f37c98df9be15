/**
 * Topic creation, for `stack up`, the dispatcher (its dead-letter topic) and the signal publisher:
 * create what is missing, leave what exists as it is, and say where it differs from the ask.
 */
import type { Kafka } from "kafkajs";
import type { Logger } from "./logging.ts";
import { waitForService } from "./process.ts";

/** A topic that must exist. */
export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Copies of each partition; default the broker's `default.replication.factor`. */
  replicationFactor?: number;
}

/** Options of {@linkcode ensureTopics}. */
export interface EnsureTopicsOptions {
  /** Topics someone else creates: fail with `Topic "…" does not exist yet` while one is missing. */
  require?: readonly string[];
}

/** What {@linkcode ensureTopics} did. */
export interface EnsuredTopics {
  created: string[];
  /** Existing topics with fewer partitions than asked (they are left as they are). */
  notes: string[];
}

/** Creates each missing topic of `specs` and waits for its leaders. */
export async function ensureTopics(
  kafka: Kafka,
  specs: readonly TopicSpec[],
  options: EnsureTopicsOptions = {},
): Promise<EnsuredTopics> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of options.require ?? []) {
      if (!existing.has(topic)) throw new Error(`Topic "${topic}" does not exist yet`);
    }
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.partitions,
          ...(s.replicationFactor === undefined ? {} : { replicationFactor: s.replicationFactor }),
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

/**
 * Waits (see waitForService) until Kafka answers, `input` exists (another service creates it) and
 * the service's own `deadLetter` topic exists, created with one partition when missing; throws
 * once `signal` aborts.
 */
export async function waitForTopics(
  kafka: Kafka,
  topics: { input: string; deadLetter: string },
  options: { signal: AbortSignal; log: Logger },
): Promise<void> {
  await waitForService(
    "Kafka",
    () =>
      ensureTopics(kafka, [{ topic: topics.deadLetter, partitions: 1 }], {
        require: [topics.input],
      }),
    options,
  );
}
