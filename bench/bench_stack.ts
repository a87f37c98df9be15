/**
 * What one bench section runs against: a fresh migrated database, a unique 6-partition topic
 * (plus its dead-letter topic and consumer group), a unique Redis prefix, and the dispatcher and
 * worker processes started on them. `cleanup` stops the processes and removes every one of these,
 * also after a failure.
 */
import { createTestDatabase, type TestDatabase } from "../tests/fixtures/database.ts";
import { createTestKafka, type TestKafka } from "../tests/fixtures/kafka.ts";
import { createTestRedis, type TestRedis } from "../tests/fixtures/redis.ts";
import { freePort, type ServiceProcess, startService } from "../tests/fixtures/processes.ts";
import { scrapeMetrics } from "./scrape_metrics.ts";

/** A service process with its metrics port. */
export interface BenchProcess extends ServiceProcess {
  metricsPort: number;
  /** The metric samples it serves now, by name (labels summed). */
  metrics(): Promise<Map<string, number>>;
  /** Whether its /readyz answers 200 (the dispatcher: consuming, its group joined). */
  ready(): Promise<boolean>;
}

/** One section's resources. */
export interface BenchStack extends AsyncDisposable {
  db: TestDatabase;
  kafka: TestKafka;
  redis: TestRedis;
  group: string;
  /** Starts `deno run services/dispatcher/main.ts` on this stack. */
  startDispatcher(env?: Record<string, string>): BenchProcess;
  /** Starts `deno run services/worker/main.ts` on this stack. */
  startWorker(concurrency: number): BenchProcess;
  /** Sum of the group's committed offsets on the topic. */
  committedOffsets(): Promise<number>;
  /** The group's state ("Stable" once the dispatcher is consuming). */
  groupState(): Promise<string>;
  /** Commits offset 0 on every partition, so a dispatcher joining later reads from the start. */
  rewindGroup(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Opens a stack; on failure whatever was created is removed again. */
export async function openBenchStack(partitions = 6): Promise<BenchStack> {
  const undo: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const step of undo.reverse()) await step().catch(() => {});
  };
  try {
    const db = await createTestDatabase({ max: 5 });
    undo.push(() => db.drop());
    const redis = await createTestRedis();
    undo.push(() => redis.cleanup());
    const kafka = await createTestKafka(partitions);
    undo.push(() => kafka.cleanup());
    const deadLetterTopic = await kafka.createTopic(1);
    const group = `twbench-${crypto.randomUUID().slice(0, 12)}`;
    const admin = kafka.kafka.admin();
    await admin.connect();
    undo.push(async () => {
      await admin.deleteGroups([group]).catch(() => {});
      await admin.disconnect();
    });
    const processes: ServiceProcess[] = [];
    undo.push(() => Promise.all(processes.map((p) => p.stop(5000))));

    const start = (dir: string, env: Record<string, string>, portVar: string): BenchProcess => {
      const metricsPort = freePort();
      const process = startService(dir, {
        DATABASE_URL: db.url,
        REDIS_KEY_PREFIX: redis.prefix,
        KAFKA_SIGNAL_TOPIC: kafka.topic,
        KAFKA_DEAD_LETTER_TOPIC: deadLetterTopic,
        KAFKA_CONSUMER_GROUP: group,
        LOG_LEVEL: "warning",
        [portVar]: String(metricsPort),
        ...env,
      });
      processes.push(process);
      return {
        ...process,
        metricsPort,
        metrics: () => scrapeMetrics(metricsPort),
        async ready() {
          const res = await fetch(`http://127.0.0.1:${metricsPort}/readyz`).catch(() => null);
          await res?.body?.cancel();
          return res?.status === 200;
        },
      };
    };
    return {
      db,
      kafka,
      redis,
      group,
      startDispatcher: (env = {}) => start("dispatcher", env, "METRICS_PORT_DISPATCHER"),
      startWorker: (concurrency) =>
        start("worker", { WORKER_CONCURRENCY: String(concurrency) }, "METRICS_PORT_WORKER"),
      async committedOffsets() {
        const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [kafka.topic] });
        return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, +p.offset), 0);
      },
      async groupState() {
        const { groups } = await admin.describeGroups([group]);
        return groups[0]?.state ?? "Unknown";
      },
      async rewindGroup() {
        await admin.setOffsets({
          groupId: group,
          topic: kafka.topic,
          partitions: Array.from({ length: partitions }, (_, partition) => ({
            partition,
            offset: "0",
          })),
        });
      },
      cleanup,
      [Symbol.asyncDispose]: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
