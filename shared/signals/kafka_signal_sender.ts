/**
 * A Kafka producer for signals that must be durable before anyone is told so (the webhook
 * intake): idempotent, `acks=all`, murmur2-partitioned by the message key (the ticker), connected
 * on first use and again after a failure.
 */
import { type Kafka, Partitioners } from "kafkajs";
import type { SignalMessage } from "./signal_messages.ts";

/** A sender: `send` resolves once every in-sync replica has the messages. */
export interface SignalSender {
  send(messages: SignalMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** Creates the sender for `topic`; nothing connects before the first `send`. */
export function createSignalSender(kafka: Kafka, topic: string): SignalSender {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let connected: Promise<void> | null = null;
  return {
    async send(messages) {
      connected ??= producer.connect().catch((error) => {
        connected = null;
        throw error;
      });
      await connected;
      await producer.send({ topic, acks: -1, messages });
    },
    close: () => producer.disconnect(),
  };
}
