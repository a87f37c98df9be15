/**
 * Dead letters: a bad message, a rejected entry of an envelope, or a signal the database refuses
 * is written to the dead-letter topic with headers naming why and where the original still lives
 * (topic, partition, offset, and the entry's index), before the batch's offsets are committed.
 *
 * A letter always fits: its payload is capped at DEAD_LETTER_MAX_PAYLOAD_BYTES, keeping the
 * original's size and sha256 in headers, and letters are sent in requests of at most
 * DEAD_LETTER_MAX_REQUEST_BYTES, well below the broker's default message.max.bytes (1 MiB). A
 * dead-letter topic configured below ~70 KB per message would refuse letters: the stage is then
 * retried, not split, and the dispatcher's readiness names it (progress.ts).
 *
 * Writes are idempotent, keyed by the original's coordinates (the letter's Kafka key): a key is
 * marked in Redis once the broker acknowledged its letter, a retry of the stage or a redelivered
 * batch sends only unmarked keys, and the producer is idempotent, so its own retries add no copy.
 * One window remains: a crash after the broker's ack and before the mark sends that letter once
 * more when the batch is delivered again; its key tells a reader it is the same letter.
 */
import type { Producer } from "kafkajs";
import { errorMessage } from "../../shared/errors.ts";
import type { RedisNames } from "../../shared/names.ts";
import type { Redis } from "../../shared/redis.ts";
import {
  DEAD_LETTER_MAX_PAYLOAD_BYTES,
  DEAD_LETTER_MAX_REQUEST_BYTES,
  type DeadLetter,
  deadLetterKey,
  deadLetterMessage,
} from "../../shared/kafka_dead_letter.ts";
import type { DecodedMessage } from "./decoded_message.ts";

export {
  DEAD_LETTER_MAX_PAYLOAD_BYTES,
  DEAD_LETTER_MAX_REQUEST_BYTES,
  type DeadLetter,
  deadLetterKey,
  deadLetterMessage,
};

/** How long a written letter's key is remembered (Kafka's default retention). */
const WRITTEN_TTL_SECONDS = 7 * 24 * 3600;

const encoder = new TextEncoder();

/** The letters a decoded message owes: one for a bad message, one per rejected entry. */
export function deadLettersOf(m: DecodedMessage): DeadLetter[] {
  if (m.parsed.ok && m.parsed.rejected.length === 0) return [];
  const at = {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestampMs: m.timestampMs,
    key: m.key,
  };
  if (!m.parsed.ok) {
    const { reason, error } = m.parsed;
    return [{ ...at, signalIndex: null, reason, error, payload: m.value }];
  }
  return m.parsed.rejected.map((r) => ({
    ...at,
    signalIndex: r.index,
    reason: "invalid",
    error: r.error,
    payload: encoder.encode(JSON.stringify(r.entry) ?? "null"),
  }));
}

/** The letter of one signal that a stage refuses on its own (`index`: its place in the message). */
export function poisonLetter(
  m: DecodedMessage,
  index: number,
  signal: unknown,
  stage: string,
  error: unknown,
): DeadLetter {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestampMs: m.timestampMs,
    key: m.key,
    signalIndex: index,
    reason: "poison",
    error: `Stage "${stage}" fails for this signal alone: ${errorMessage(error)}`,
    payload: encoder.encode(JSON.stringify(signal) ?? "null"),
  };
}

/** Options of {@linkcode createDeadLetterWriter}. */
export interface DeadLetterWriterOptions {
  producer: Producer;
  topic: string;
  redis: Redis;
  names: Pick<RedisNames, "deadLetterWritten">;
  /** Default DEAD_LETTER_MAX_PAYLOAD_BYTES. */
  maxPayloadBytes?: number;
}

/** Returns `write(letters)`: sends each letter not written yet, once; safe to call again. */
export function createDeadLetterWriter(options: DeadLetterWriterOptions) {
  const { producer, topic, redis, names } = options;
  const maxPayloadBytes = options.maxPayloadBytes ?? DEAD_LETTER_MAX_PAYLOAD_BYTES;
  // Acknowledged by the broker but not marked in Redis yet: never sent again by this process.
  const sentUnmarked = new Set<string>();

  const mark = async (keys: string[]) => {
    if (keys.length === 0) return;
    const batch = redis.pipeline();
    for (const key of keys) batch.set(names.deadLetterWritten(key), "1", "EX", WRITTEN_TTL_SECONDS);
    const results = await batch.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error("Cannot mark dead letters as written");
    for (const key of keys) sentUnmarked.delete(key);
  };

  return async function write(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const byKey = new Map(letters.map((l) => [deadLetterKey(l), l]));
    const keys = [...byKey.keys()].filter((key) => !sentUnmarked.has(key));
    const written = keys.length === 0
      ? []
      : await redis.mget(...keys.map((key) => names.deadLetterWritten(key)));
    const todo = keys.filter((_, i) => written[i] === null);
    // Dies here: the letters of `todo` are sent again when the batch is delivered again.
    for (const chunk of chunks(todo, (key) => byKey.get(key)!.payload?.byteLength ?? 0)) {
      await producer.send({
        topic,
        acks: -1,
        messages: chunk.map((key) => deadLetterMessage(byKey.get(key)!, maxPayloadBytes)),
      });
      chunk.forEach((key) => sentUnmarked.add(key));
    }
    // Dies here: these letters are sent once more on redelivery (the one duplicate window).
    await mark([...byKey.keys()].filter((key) => sentUnmarked.has(key)));
  };

  function chunks(keys: string[], size: (key: string) => number): string[][] {
    const out: string[][] = [];
    let current: string[] = [];
    let bytes = 0;
    for (const key of keys) {
      const b = Math.min(maxPayloadBytes, size(key)) + 4096;
      if (current.length > 0 && bytes + b > DEAD_LETTER_MAX_REQUEST_BYTES) {
        out.push(current);
        current = [];
        bytes = 0;
      }
      current.push(key);
      bytes += b;
    }
    if (current.length > 0) out.push(current);
    return out;
  }
}
