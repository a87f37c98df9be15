/** Kafka clients (npm:kafkajs), logging through LogTape. Nothing connects at import time. */
import { Kafka, type LogEntry, logLevel } from "kafkajs";
import { KafkaLogFilter } from "./kafka_log.ts";
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
  /** Told when the client finds Kafka unreachable (false) and when it is back (true). */
  onReachable?: (reachable: boolean) => void;
}

let negativeTimeoutsSilenced = false;

/**
 * kafkajs 2.2.4 arms some timers with a negative delay (seen under Deno with every client); Node's
 * timers run them after 1 ms and print a TimeoutNegativeWarning to stderr every time. The delay
 * is harmless, so that one warning type is dropped; every other warning still prints.
 */
function silenceNegativeTimeoutWarnings(): void {
  if (negativeTimeoutsSilenced) return;
  negativeTimeoutsSilenced = true;
  const emitWarning = process.emitWarning;
  process.emitWarning = function (warning: string | Error, ...rest: unknown[]) {
    const options = rest[0] as string | { type?: string } | undefined;
    const type = typeof options === "string" ? options : options?.type;
    if (type === "TimeoutNegativeWarning") return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
}

/**
 * A kafkajs client whose own log lines go to the `tickwire.kafkajs` category: an outage is one
 * warning and one line when Kafka is back ({@linkcode KafkaLogFilter}); the rest at debug.
 */
export function createKafka(options: KafkaOptions): Kafka {
  silenceNegativeTimeoutWarnings();
  const log = serviceLogger("kafkajs");
  const filter = new KafkaLogFilter(options.brokers);
  const lowest = options.logLevel ?? logLevel.WARN;
  return new Kafka({
    clientId: options.clientId ?? "tickwire",
    brokers: options.brokers.split(",").map((b) => b.trim()),
    connectionTimeout: 3000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 300, maxRetryTime: 5000 },
    // INFO as well, only to see the consumer rejoin after an outage.
    logLevel: lowest === logLevel.WARN ? logLevel.INFO : lowest,
    logCreator: () => ({ namespace, level, log: entry }: LogEntry) => {
      const { message, ...props } = entry;
      const error = typeof props.error === "string" ? props.error : undefined;
      const wasDown = filter.down;
      const decision = filter.decide({ level, namespace, message, ...(error ? { error } : {}) });
      if (filter.down !== wasDown) options.onReachable?.(!filter.down);
      log[decision.level === "warning" ? "warn" : decision.level](decision.message, {
        namespace,
        ...props,
      });
    },
  });
}
