/** A Kafka message decoded once, when it is handed over, and carried through the batch. */
import { type ParsedSignalMessage, parseSignalMessage } from "../../shared/schemas/signal.ts";
import { authenticateSignal } from "../../shared/signals/signal_scope.ts";

/** One message with its coordinates and parse result. */
export interface DecodedMessage {
  topic: string;
  partition: number;
  offset: string;
  /** Kafka message timestamp (epoch ms); stands in for a missing `emitted_at`. */
  timestampMs: number;
  /** When the dispatcher received it (epoch ms). */
  receivedAtMs: number;
  key: Uint8Array | null;
  /** The raw value, kept only for bad messages (the dead-letter copy). */
  value: Uint8Array | null;
  parsed: ParsedSignalMessage;
}

/** A kafkajs message as received. */
export interface RawMessage {
  offset: string;
  timestamp: string;
  key: Uint8Array | null;
  value: Uint8Array | null;
}

/**
 * Parses one message received at `receivedAtMs` (default now); never throws. A private signal
 * not signed by `signingKey` (the intake's; none given: every private signal) is rejected like an
 * invalid entry, so it goes to the dead-letter topic, not to a pipeline.
 */
export function decodeMessage(
  topic: string,
  partition: number,
  m: RawMessage,
  receivedAtMs = Date.now(),
  signingKey: Uint8Array | null = null,
): DecodedMessage {
  const parsed = authenticate(parseSignalMessage(m.value), signingKey);
  return {
    topic,
    partition,
    offset: m.offset,
    timestampMs: Number(m.timestamp),
    receivedAtMs,
    key: m.key,
    value: parsed.ok ? null : m.value,
    parsed,
  };
}

/** How many signals a message weighs in a batch (a bad message or entry weighs one). */
export function messageWeight(m: DecodedMessage): number {
  return m.parsed.ok ? Math.max(1, m.parsed.signals.length + m.parsed.rejected.length) : 1;
}

/** Moves each signal whose scope fails {@linkcode authenticateSignal} to `rejected`. */
function authenticate(parsed: ParsedSignalMessage, key: Uint8Array | null): ParsedSignalMessage {
  if (!parsed.ok) return parsed;
  // Almost every message passes whole: then it is kept as parsed, not copied.
  if (parsed.signals.every((signal) => authenticateSignal(signal, key) === null)) return parsed;
  const kept: ParsedSignalMessage & { ok: true } = { ...parsed, signals: [], indexes: [] };
  const rejected = [...parsed.rejected];
  parsed.signals.forEach((signal, i) => {
    const index = parsed.indexes[i] ?? i;
    const problem = authenticateSignal(signal, key);
    if (problem) {
      rejected.push({ index, entry: signal, error: `Unauthenticated signal: ${problem}` });
    } else {
      kept.signals.push(signal);
      kept.indexes.push(index);
    }
  });
  return { ...kept, rejected: rejected.sort((a, b) => a.index - b.index) };
}
