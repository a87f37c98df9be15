/**
 * Delivers signals to Kafka: idempotent producer, acknowledged by all in-sync replicas, batched.
 * While Kafka is unreachable the signals wait in a bounded buffer (oldest dropped when full) and
 * delivery is retried with capped exponential backoff; nothing here ever exits the process.
 */
import { type Kafka, Partitioners, type Producer } from "kafkajs";
import { errorMessage } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logging.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import { backoffDelay } from "../../shared/backoff.ts";
import { ensureTopics } from "../../shared/kafka_topics.ts";
import { sleep } from "../../shared/sleep.ts";
import type { GeneratorMetrics } from "./generator_metrics.ts";
import { SignalBuffer } from "./signal_buffer.ts";
import { toSignalMessages } from "../../shared/signals/signal_messages.ts";

/** The counters a publisher keeps (the generator has one set for signals and one for bars). */
export type PublisherMetrics = Pick<
  GeneratorMetrics,
  "signalsPublished" | "signalsBuffered" | "signalsDropped" | "publishErrors"
>;

/** Options of {@linkcode createSignalPublisher}. */
export interface SignalPublisherOptions<T = TickerSignal> {
  kafka: Kafka;
  topic: string;
  log: Logger;
  metrics: PublisherMetrics;
  /** The messages of a batch; default {@linkcode toSignalMessages} (signals). */
  toMessages?: (items: readonly T[], emittedAt: string) => { key: string; value: string }[];
  /** Most signals held while Kafka is unreachable (SIGNAL_BUFFER_MAX). */
  bufferMax: number;
  /** Most signals per send; default 500. */
  batchSize?: number;
  /** First retry delay; default 0.5 s. */
  retryBaseSeconds?: number;
  /** Longest retry delay; default 10 s. */
  retryMaxSeconds?: number;
  /** Creates the topic with this many partitions if missing; default: never creates it. */
  partitions?: number;
  /** How long a stop keeps trying to deliver what is left; default 5 s. */
  drainSeconds?: number;
}

/** The publisher: `publish` never blocks or throws; `run` delivers until stopped. */
export interface SignalPublisher<T = TickerSignal> {
  /** Queues signals for delivery. */
  publish(signals: readonly T[]): void;
  /** Delivers queued signals until `signal` aborts, then drains for up to `drainSeconds`. */
  run(signal: AbortSignal): Promise<void>;
  /** Resolves once every queued signal is acknowledged (or `signal` aborts). */
  idle(signal?: AbortSignal): Promise<void>;
  /** Signals queued or in flight. */
  readonly pending: number;
}

/** Creates a publisher; nothing connects until `run`. */
export function createSignalPublisher<T = TickerSignal>(
  options: SignalPublisherOptions<T>,
): SignalPublisher<T> {
  const { kafka, topic, log, metrics } = options;
  const batchSize = options.batchSize ?? 500;
  const toMessages = options.toMessages ??
    (toSignalMessages as unknown as NonNullable<SignalPublisherOptions<T>["toMessages"]>);
  const buffer = new SignalBuffer<T>(options.bufferMax);
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // Java's murmur2 partitioner: the same ticker lands on the same partition as from any client.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let connected = false;
  let inFlight = 0;
  let failures = 0;
  let droppedInOutage = 0;
  let wake: (() => void) | undefined;

  const updateGauge = () => metrics.signalsBuffered.set(buffer.size + inFlight);
  const countDropped = (dropped: number) => {
    if (dropped === 0) return;
    metrics.signalsDropped.inc({}, dropped);
    if (droppedInOutage === 0) {
      log.warn("Signal buffer full ({max}): dropping the oldest signals until Kafka is back", {
        max: buffer.max,
        dropped,
      });
    }
    droppedInOutage += dropped;
  };

  const connect = async () => {
    await producer.connect();
    if (options.partitions) await ensureTopics(kafka, [{ topic, partitions: options.partitions }]);
    connected = true;
  };

  /** One delivery attempt of the oldest batch; throws when Kafka did not acknowledge it. */
  const deliverBatch = async () => {
    if (!connected) await connect();
    const batch = buffer.take(batchSize);
    inFlight = batch.length;
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: toMessages(batch, new Date().toISOString()),
      });
      metrics.signalsPublished.inc({}, batch.length);
    } catch (error) {
      countDropped(buffer.requeue(batch));
      throw error;
    } finally {
      inFlight = 0;
      updateGauge();
    }
    if (failures > 0 || droppedInOutage > 0) {
      log.info("Kafka reachable again after {failures} failed attempts; delivering {pending}", {
        failures,
        pending: buffer.size,
        dropped: droppedInOutage,
      });
    }
    failures = 0;
    droppedInOutage = 0;
  };

  const onFailure = (error: unknown): number => {
    failures++;
    metrics.publishErrors.inc();
    const delay = backoffDelay(
      failures,
      options.retryBaseSeconds ?? 0.5,
      options.retryMaxSeconds ?? 10,
    );
    const fields = {
      topic,
      attempt: failures,
      pending: buffer.size,
      delaySeconds: Math.round(delay * 10) / 10,
      error: errorMessage(error),
    };
    // One warning when an outage starts and a reminder every tenth attempt; the rest at debug.
    if (failures % 10 === 1) {
      log.warn(
        "Kafka unreachable (attempt {attempt}): holding {pending} signals, retry in {delaySeconds} s: {error}",
        fields,
      );
    } else log.debug("Kafka still unreachable (attempt {attempt})", fields);
    return delay;
  };

  return {
    publish(signals) {
      if (signals.length === 0) return;
      countDropped(buffer.push(signals));
      updateGauge();
      wake?.();
    },

    async run(signal) {
      while (!signal.aborted) {
        if (buffer.size === 0) {
          await new Promise<void>((resolve) => {
            const done = () => {
              signal.removeEventListener("abort", done);
              resolve();
            };
            wake = done;
            signal.addEventListener("abort", done, { once: true });
          });
          wake = undefined;
          continue;
        }
        try {
          await deliverBatch();
        } catch (error) {
          const delay = onFailure(error);
          await sleep(delay * 1000, signal);
        }
      }
      await drain(options.drainSeconds ?? 5);
      await producer.disconnect().catch(() => {});
    },

    async idle(signal) {
      while ((buffer.size > 0 || inFlight > 0) && !signal?.aborted) {
        await sleep(20, signal);
      }
    },

    get pending() {
      return buffer.size + inFlight;
    },
  };

  async function drain(seconds: number) {
    const deadline = Date.now() + seconds * 1000;
    while (buffer.size > 0 && connected && Date.now() < deadline) {
      try {
        await deliverBatch();
      } catch (error) {
        onFailure(error);
        break;
      }
    }
    if (buffer.size > 0) {
      log.warn("Stopping with {pending} signals not delivered to {topic}", {
        pending: buffer.size,
        topic,
      });
    }
  }
}
