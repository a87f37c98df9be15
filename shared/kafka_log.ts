/**
 * What of kafkajs' own logging a person sees. With the broker down kafkajs writes an ERROR per
 * connection attempt, per seed broker and per consumer restart (32 lines in 20 s); a person needs
 * one warning when Kafka goes away and one line when it is back, as Redis already gives
 * (shared/redis.ts). Retriable protocol answers of a normal rebalance are not errors either.
 */

/** The part of a kafkajs log call that decides its fate. */
export interface KafkaLogEntry {
  /** kafkajs' level: 1 ERROR, 2 WARN, 4 INFO, 5 DEBUG. */
  level: number;
  namespace: string;
  message: string;
  error?: string;
}

/** What to do with one entry: log it at `level` (with `message`), or keep it at debug. */
export type KafkaLogDecision =
  | { level: "warning" | "error" | "info"; message: string }
  | { level: "debug"; message: string };

const UNREACHABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Connection (error|timeout)|No broker available|Failed to connect to seed broker|Closed connection|NumberOfRetriesExceeded/i;

// Answers the client retries by itself during a rebalance or a leader election.
const RETRIABLE_ANSWER =
  /coordinator is not available|coordinator is loading|not the correct coordinator|group is rebalancing|leadership election|NOT_LEADER|not the leader|Response GroupCoordinator|Response JoinGroup|Response SyncGroup|Response Heartbeat|Restarting the consumer/i;

// Said once per idempotent producer, at every start of every service. Tickwire bounds a send's
// retries on purpose (a send that cannot complete fails, and its caller retries or reports it),
// and no delivery guarantee here rests on the producer alone: each consumer of these topics is
// idempotent by key (a signal's claim, a letter's coordinates, a bar's date).
const BY_DESIGN = /Limiting retries for the idempotent producer/i;

// kafkajs says "Starting" on every restart attempt too; only a joined group proves Kafka is back.
const BACK = /joined the group/i;

/** Tracks whether Kafka is reachable, and decides each entry's level from that. */
export class KafkaLogFilter {
  #down = false;

  constructor(readonly brokers: string) {}

  /** Whether the last thing seen was Kafka being unreachable. */
  get down(): boolean {
    return this.#down;
  }

  /** The fate of `entry`; changes state on the first failure and on the first sign of recovery. */
  decide(entry: KafkaLogEntry): KafkaLogDecision {
    const text = `${entry.message} ${entry.error ?? ""}`;
    if (entry.level <= 2) {
      if (UNREACHABLE.test(text) && !this.#down) {
        this.#down = true;
        const reason = (entry.error ?? entry.message).trim();
        return {
          level: "warning",
          message: `Kafka is unreachable at ${this.brokers} (${reason}); retrying until it is back`,
        };
      }
      // While it is down, every restart and retry line is the same outage again.
      if (this.#down || RETRIABLE_ANSWER.test(text) || BY_DESIGN.test(text)) {
        return { level: "debug", message: entry.message };
      }
      return { level: entry.level <= 1 ? "error" : "warning", message: entry.message };
    }
    if (this.#down && BACK.test(entry.message)) {
      this.#down = false;
      return { level: "info", message: `Kafka is reachable again at ${this.brokers}` };
    }
    return { level: "debug", message: entry.message };
  }
}
