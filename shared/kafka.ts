/** Kafka clients (npm:kafkajs), logging through LogTape. Nothing connects at import time. */
import { Kafka, type LogEntry, logLevel } from "kafkajs";
import { KafkaLogFilter } from "./kafka_log.ts";
import { serviceLogger } from "./logging.ts";

export { Kafka, logLevel };

/**
 * Group membership timing of our consumers (the dispatcher's and the paper ledger's). A member
 * killed outright (SIGKILL, a lost machine) never leaves its group: its partitions wait until the
 * coordinator drops it after `sessionTimeout`, then the others (or its successor) take them over
 * at their next heartbeat. kafkajs' defaults (30 s, 3 s) stalled half of dispatch for about 30 s,
 * and a restarted paper ledger waited 27.7 s for its partitions; 6 s (the broker's default
 * group.min.session.timeout.ms) and a heartbeat every second bring them back within 10 s (the
 * ledger: 5.6-5.8 s). A live dispatcher heartbeats from its fetch loop and while waiting for room
 * in its buffer, so a long claim does not cost it its partitions; the ledger heartbeats between
 * bars, and if one bar holds it past the session it rejoins and reads its uncommitted bars again
 * (applying a bar twice books nothing twice). A stopped member (SIGTERM) leaves the group at once.
 * `rebalanceTimeout` bounds how long a rebalance waits for a slow member to rejoin (default 60 s).
 */
export const GROUP_MEMBERSHIP = {
  sessionTimeout: 6000,
  heartbeatInterval: 1000,
  rebalanceTimeout: 20_000,
} as const;

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
