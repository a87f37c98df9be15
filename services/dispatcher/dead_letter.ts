/**
 * Bad messages (not JSON, wrong schema, unknown version, oversized) are copied, value untouched,
 * to the dead-letter topic with headers naming why and where they came from, before their
 * offsets are committed.
 */
import type { Message, Producer } from "kafkajs";
import type { DecodedMessage } from "./decoded_message.ts";

/** The dead-letter copy of a bad message. */
export function deadLetterMessage(m: DecodedMessage): Message {
  const failure = m.parsed.ok ? { reason: "ok", error: "" } : m.parsed;
  return {
    key: m.key ? Buffer.from(m.key) : null,
    value: m.value ? Buffer.from(m.value) : null,
    headers: {
      "tickwire-reason": failure.reason,
      "tickwire-error": failure.error.slice(0, 2000),
      "tickwire-original-topic": m.topic,
      "tickwire-original-partition": String(m.partition),
      "tickwire-original-offset": m.offset,
      "tickwire-original-timestamp": String(m.timestampMs),
    },
  };
}

/** Sends the copies to `topic` and waits for every in-sync replica (acks -1). */
export async function sendToDeadLetter(
  producer: Producer,
  topic: string,
  messages: readonly DecodedMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  await producer.send({ topic, acks: -1, messages: messages.map(deadLetterMessage) });
}
