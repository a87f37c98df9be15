/**
 * The trigger dispatcher, assembled from its parts and runnable in-process: a kafkajs consumer
 * (group KAFKA_CONSUMER_GROUP) hands each partition's messages to the batch buffer and moves on;
 * the buffer flushes batches to the processor (claim, enqueue, commit); the pipeline cache keeps
 * the index current; the sweep re-enqueues what a crash left claimed but not enqueued. Offsets
 * are resolved in kafkajs when handed over (so fetching goes on during a claim) and committed by
 * the processor only after the jobs are on the stream.
 */
import { type ConsumerRunConfig, type Kafka, Partitioners } from "kafkajs";
import type { Config } from "../../shared/config.ts";
import type { Sql } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logging.ts";
import type { RedisNames } from "../../shared/names.ts";
import type { Redis } from "../../shared/redis.ts";
import { createBatchBuffer } from "./batch_buffer.ts";
import { createBatchProcessor } from "./batch_processor.ts";
import { createDeadLetterWriter } from "./dead_letter.ts";
import { decodeMessage } from "./decoded_message.ts";
import { createDispatcherMetrics, type DispatcherMetrics } from "./metrics.ts";
import { createPipelineCache } from "./pipeline_cache.ts";
import { loadIntakeKeys } from "../../shared/signals/intake_keys.ts";
import { createProgress, stallReason } from "./progress.ts";
import { runSweepLoop } from "./sweep.ts";
import { GROUP_MEMBERSHIP } from "../../shared/kafka.ts";
import { startNewGroupAtEnd } from "../../shared/kafka_group_start.ts";
import { runWithRestarts } from "../../shared/kafka_consumer_restart.ts";
import { runSignalLogRetention } from "../../shared/signal_log/retention.ts";

/** The settings the dispatcher reads. */
export type DispatcherConfig = Pick<
  Config,
  | "KAFKA_SIGNAL_TOPIC"
  | "KAFKA_DEAD_LETTER_TOPIC"
  | "KAFKA_CONSUMER_GROUP"
  | "BATCH_SIZE"
  | "BATCH_TIMEOUT_SECONDS"
  | "BATCH_MAX_SIZE"
  | "BATCH_MAX_FLUSHES_PER_SECOND"
  | "CACHE_REFRESH_INTERVAL_SECONDS"
  | "SWEEP_INTERVAL_SECONDS"
  | "SWEEP_MIN_AGE_SECONDS"
  | "WORKER_VISIBILITY_TIMEOUT_SECONDS"
  | "JOBS_STREAM_MAX_LENGTH"
  | "SIGNAL_RETENTION_DAYS"
  | "DISPATCHER_STALL_SECONDS"
>;

/** Dependencies of {@linkcode createDispatcher}. */
export interface DispatcherDeps {
  config: DispatcherConfig;
  sql: Sql;
  redis: Redis;
  kafka: Kafka;
  names: RedisNames;
  log: Logger;
  /** Default: a fresh registry. */
  metrics?: DispatcherMetrics;
  /** Backoff bounds of failing stages; default 200 ms … 10 s. */
  retry?: { baseMs: number; maxMs: number };
  /** Test hook run after a batch's enqueue, before its commit. */
  beforeCommit?: () => Promise<void>;
}

/** A dispatcher: `run` until the signal aborts; `joined` resolves when the group assigned it. */
export interface Dispatcher {
  metrics: DispatcherMetrics;
  joined: Promise<void>;
  /** Why its batches stall (progress.ts), or nothing; /readyz lists it as missing. */
  stalled(): string[];
  run(signal: AbortSignal): Promise<void>;
}

/** Kafka fetch: answer as soon as one byte is there (a lone signal is not held). */
const FETCH = { minBytes: 1, maxBytes: 16 << 20, maxBytesPerPartition: 2 << 20 };

/** Wires the dispatcher; nothing connects before `run`. */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { config, sql, redis, kafka, names, log } = deps;
  const metrics = deps.metrics ?? createDispatcherMetrics();
  const progress = createProgress(Date.now());
  const lagByPartition = new Map<number, number>();
  const stallMs = config.DISPATCHER_STALL_SECONDS * 1000;
  // Why the Kafka consumer is not running (shared/kafka_consumer_restart.ts), while it is not.
  let consumerDown: string | null = null;
  const stalled = () => {
    const reason = stallReason(progress, Date.now(), stallMs);
    return [
      ...(consumerDown === null ? [] : [`Kafka consumer (stopped: ${consumerDown}; restarting)`]),
      ...(reason === null ? [] : [`Dispatch (${reason})`]),
    ];
  };
  metrics.registry.onCollect(() => {
    metrics.secondsSinceLastCommit.set(Math.round((Date.now() - progress.lastCommitMs) / 1000));
    metrics.stalled.set(stalled().length);
  });
  const topic = config.KAFKA_SIGNAL_TOPIC;
  const consumer = kafka.consumer({
    groupId: config.KAFKA_CONSUMER_GROUP,
    ...FETCH,
    ...GROUP_MEMBERSHIP,
    maxWaitTimeInMs: Math.min(5000, Math.max(100, config.BATCH_TIMEOUT_SECONDS * 1000)),
  });
  // Idempotent: the client's own retries of a dead-letter send add no copy.
  const producer = kafka.producer({
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  let joined!: () => void;
  const joinedPromise = new Promise<void>((resolve) => joined = resolve);
  consumer.on(consumer.events.GROUP_JOIN, () => {
    // Partitions may have moved to another member: their last lag is no longer this one's.
    lagByPartition.clear();
    progress.lag = 0;
    joined();
  });

  const run = async (signal: AbortSignal) => {
    let fail!: (error: unknown) => void;
    const failed = new Promise<never>((_, reject) => fail = reject);
    const cache = createPipelineCache({
      sql,
      log,
      metrics,
      refreshIntervalMs: config.CACHE_REFRESH_INTERVAL_SECONDS * 1000,
    });
    const { signing } = await loadIntakeKeys(sql);
    await cache.start(signal);
    log.info("Pipeline index loaded: {pipelines} active signal pipelines", {
      pipelines: cache.index().size,
    });
    await producer.connect();
    const start = await startNewGroupAtEnd(kafka, config.KAFKA_CONSUMER_GROUP, topic);
    if (start.started) {
      log.info("New consumer group {group} starts at the end of {topic}: {offsets}", {
        group: config.KAFKA_CONSUMER_GROUP,
        topic,
        offsets: start.offsets.map((o) => `${o.partition}@${o.offset}`).join(" "),
      });
    } else if ("uncommitted" in start) {
      log.warn("Consumer group {group} runs without committed offsets: joining it anyway", {
        group: config.KAFKA_CONSUMER_GROUP,
      });
    }
    await consumer.connect();
    // Only a partition without a committed offset starts at its beginning (kafka_group_start.ts).
    await consumer.subscribe({ topic, fromBeginning: true });

    const processBatch = createBatchProcessor({
      sql,
      redis,
      names,
      log,
      metrics,
      signal,
      index: cache.index,
      deadLetter: createDeadLetterWriter({
        producer,
        topic: config.KAFKA_DEAD_LETTER_TOPIC,
        redis,
        names,
      }),
      commit: (offsets) => consumer.commitOffsets(offsets),
      maxStreamLength: config.JOBS_STREAM_MAX_LENGTH,
      progress,
      ...(deps.retry ? { retry: deps.retry } : {}),
      ...(deps.beforeCommit ? { beforeCommit: deps.beforeCommit } : {}),
    });
    const buffer = createBatchBuffer({
      policy: {
        size: config.BATCH_SIZE,
        maxSize: config.BATCH_MAX_SIZE,
        timeoutMs: config.BATCH_TIMEOUT_SECONDS * 1000,
        minIntervalMs: config.BATCH_MAX_FLUSHES_PER_SECOND > 0
          ? 1000 / config.BATCH_MAX_FLUSHES_PER_SECOND
          : 0,
      },
      flush: processBatch,
      onFlushError: (error) => {
        if (signal.aborted) {
          log.info("Batch left uncommitted at shutdown, it will be delivered again: {error}", {
            error: errorMessage(error),
          });
        } else fail(error);
      },
    });

    let closing = false;
    const handlers: ConsumerRunConfig = {
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        if (closing || batch.messages.length === 0) return;
        const receivedAtMs = Date.now();
        buffer.add(
          batch.messages.map((m) =>
            decodeMessage(batch.topic, batch.partition, m, receivedAtMs, signing)
          ),
        );
        const lag = Number(batch.offsetLag());
        metrics.consumerLag.set(lag, { partition: String(batch.partition) });
        lagByPartition.set(batch.partition, lag);
        progress.lag = [...lagByPartition.values()].reduce((a, b) => a + b, 0);
        resolveOffset(batch.lastOffset());
        await buffer.waitForRoom(heartbeat, signal);
      },
    };
    const stopRestarts = await runWithRestarts(consumer, handlers, {
      log,
      onDown: (reason) => consumerDown = reason,
    });

    const stopSweeps = new AbortController();
    signal.addEventListener("abort", () => stopSweeps.abort(), { once: true });
    const sweeping = runSweepLoop({
      sql,
      redis,
      names,
      signal: stopSweeps.signal,
      intervalMs: config.SWEEP_INTERVAL_SECONDS * 1000,
      minAgeSeconds: config.SWEEP_MIN_AGE_SECONDS,
      abandonedAfterSeconds: 2 * config.WORKER_VISIBILITY_TIMEOUT_SECONDS +
        config.SWEEP_MIN_AGE_SECONDS,
      maxLength: config.JOBS_STREAM_MAX_LENGTH,
      onSweep: (result) => {
        metrics.dbStatements.inc({ statement: "sweep" });
        if ("error" in result) {
          log.warn("Sweep failed, retrying next interval: {error}", {
            error: errorMessage(result.error),
          });
        } else if (result.swept > 0) {
          metrics.jobsEnqueued.inc({ source: "sweep" }, result.swept);
          log.info("Swept {swept} queued executions back onto the stream", result);
        }
      },
    });

    const retaining = runSignalLogRetention({
      sql,
      retentionDays: config.SIGNAL_RETENTION_DAYS,
      signal: stopSweeps.signal,
      onRun: (result) => {
        if ("error" in result) {
          log.warn("Signal log maintenance failed, retrying within the hour: {error}", {
            error: errorMessage(result.error),
          });
        } else if (result.dropped.length > 0) {
          log.info("Signal log: dropped expired partitions {dropped}", result);
        }
      },
    });

    const aborted = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    try {
      // A batch that fails other than by shutdown is a bug: stop, uncommitted, and say why.
      await Promise.race([aborted, failed]);
    } finally {
      closing = true;
      stopRestarts();
      await buffer.drain().catch(() => {});
      await consumer.disconnect().catch(() => {});
      await producer.disconnect().catch(() => {});
      stopSweeps.abort();
      await Promise.all([sweeping, retaining]);
    }
  };

  return { metrics, joined: joinedPromise, stalled, run };
}
