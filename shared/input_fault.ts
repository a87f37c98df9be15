/**
 * Which failures a message's own data causes, and which an outage does. The dispatcher retries
 * every failure with backoff; only an input fault that repeats is worth splitting the batch for
 * (services/dispatcher/isolate_faults.ts), and only a signal that fails alone with one is
 * dead-lettered. The paper ledger dead-letters a bar that fails with one (consume_bars.ts). Everything
 * else (a refused connection, a timeout, a missing table, a Redis or broker error) is taken for an
 * outage or a misconfiguration: retried until it passes, never dead-lettered, and reported by the
 * dispatcher's readiness and metrics while it lasts.
 *
 * Input faults:
 * - Postgres SQLSTATE classes 22 (data exception: unstorable text, a value out of range), 23
 *   (integrity constraint violation) and 54 (program limit exceeded: a value or statement too big);
 * - kafkajs protocol errors about the records themselves (too large, invalid, corrupt).
 * The error and its `cause` chain are inspected.
 */

const POSTGRES_INPUT_CLASSES = new Set(["22", "23", "54"]);

const KAFKA_INPUT_TYPES = new Set([
  "MESSAGE_TOO_LARGE",
  "RECORD_LIST_TOO_LARGE",
  "INVALID_RECORD",
  "CORRUPT_MESSAGE",
  "INVALID_TIMESTAMP",
]);

/** Whether `error` is caused by the data sent rather than by the service or the network. */
export function isInputFault(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const { name, code, type } = e as { name?: unknown; code?: unknown; type?: unknown };
    if (name === "PostgresError" && typeof code === "string") {
      return POSTGRES_INPUT_CLASSES.has(code.slice(0, 2));
    }
    if (name === "KafkaJSProtocolError") return KAFKA_INPUT_TYPES.has(String(type));
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
