/**
 * One dead letter on a Kafka dead-letter topic: what failed, why, and where the original still
 * lives (topic, partition, offset, and the entry's index), its payload capped so it always fits,
 * with the original's size and sha256 in headers. The dispatcher (signals) and the paper ledger
 * (bars) write the same format; the letter's key is the original's coordinates.
 */
import { createHash } from "node:crypto";
import type { Message } from "kafkajs";

/** Bytes of the original kept in a letter; the rest is dropped (size and sha256 are kept). */
export const DEAD_LETTER_MAX_PAYLOAD_BYTES = 64 * 1024;

/** Largest sum of payloads sent in one produce request. */
export const DEAD_LETTER_MAX_REQUEST_BYTES = 512 * 1024;

/** One letter: what failed, why, and where the original lives. */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  timestampMs: number;
  /** Position in the message's `tickers` when one entry failed; null for the whole message. */
  signalIndex: number | null;
  reason: string;
  error: string;
  /** The original message's key. */
  key: Uint8Array | null;
  /** The whole message, or the one failing entry as JSON. */
  payload: Uint8Array | null;
}

/** The idempotency key of a letter: `topic/partition/offset`, plus `#index` for one entry. */
export function deadLetterKey(letter: DeadLetter): string {
  const at = `${letter.topic}/${letter.partition}/${letter.offset}`;
  return letter.signalIndex === null ? at : `${at}#${letter.signalIndex}`;
}

/** The Kafka message of a letter, its payload capped at `maxPayloadBytes`. */
export function deadLetterMessage(
  letter: DeadLetter,
  maxPayloadBytes = DEAD_LETTER_MAX_PAYLOAD_BYTES,
): Message {
  const payload = letter.payload ?? new Uint8Array();
  const kept = payload.subarray(0, maxPayloadBytes);
  return {
    key: deadLetterKey(letter),
    value: letter.payload === null ? null : Buffer.from(kept),
    headers: {
      "tickwire-reason": letter.reason,
      "tickwire-error": letter.error.slice(0, 2000),
      "tickwire-original-topic": letter.topic,
      "tickwire-original-partition": String(letter.partition),
      "tickwire-original-offset": letter.offset,
      "tickwire-original-timestamp": String(letter.timestampMs),
      ...(letter.signalIndex === null
        ? {}
        : { "tickwire-signal-index": String(letter.signalIndex) }),
      ...(letter.key ? { "tickwire-original-key": Buffer.from(letter.key.subarray(0, 1024)) } : {}),
      "tickwire-payload-size": String(payload.byteLength),
      "tickwire-payload-sha256": createHash("sha256").update(payload).digest("hex"),
      "tickwire-payload-truncated": String(kept.byteLength < payload.byteLength),
    },
  };
}
