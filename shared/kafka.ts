/** Kafka clients (npm:kafkajs), logging through LogTape. Nothing connects at import time. */
import { Kafka, type LogEntry, logLevel } from "kafkajs";
import { serviceLogger } from "./logging.ts";

export { Kafka, logLevel };

/** Options of {@linkcode createKafka}. */
export interface KafkaOptions {
  /** Comma-separated host:port list (KAFKA_BOOTSTRAP_SERVERS). */
  brokers: string;
  /** Client id sent to the broker; default "tickwire". */
  clientId?: string;
  /** Initial connect retries; default 5 (kafkajs' default). */
  retries?: number;
  /**
   * Lowest kafkajs level logged; default WARN. A client whose caller logs every failure itself
   * (the signal generator's retry loop) passes ERROR or NOTHING to avoid a line per attempt.
   */
  logLevel?: logLevel;
}

/** A kafkajs client whose own log lines go to the `tickwire.kafkajs` category at warning+. */
export function createKafka(options: KafkaOptions): Kafka {
  const log = serviceLogger("kafkajs");
  return new Kafka({
    clientId: options.clientId ?? "tickwire",
    brokers: options.brokers.split(",").map((b) => b.trim()),
    connectionTimeout: 3000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 300, maxRetryTime: 5000 },
    logLevel: options.logLevel ?? logLevel.WARN,
    logCreator: () => ({ namespace, level, log: entry }: LogEntry) => {
      const { message, ...props } = entry;
      const record = { namespace, ...props };
      if (level <= logLevel.ERROR) log.error(message, record);
      else log.warn(message, record);
    },
  });
}
