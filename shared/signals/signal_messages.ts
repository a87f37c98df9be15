/** Builds the Kafka messages of a batch of signals: one envelope per ticker, keyed by ticker. */
import {
  SIGNAL_SCHEMA_VERSION,
  signalEnvelopeSchema,
  type TickerSignal,
} from "../schemas/signal.ts";

/** A Kafka message as kafkajs sends it. */
export interface SignalMessage {
  key: string;
  value: string;
}

/**
 * Groups `signals` by ticker (keeping their order) into `{version, tickers, emitted_at}`
 * envelopes, each validated against the contract before it is sent. Keying by ticker keeps every
 * ticker's signals in order on one partition.
 */
export function toSignalMessages(
  signals: readonly TickerSignal[],
  emittedAt: string,
): SignalMessage[] {
  return [...Map.groupBy(signals, (s) => s.ticker)].map(([ticker, tickers]) => {
    const envelope = signalEnvelopeSchema.parse({
      version: SIGNAL_SCHEMA_VERSION,
      tickers,
      emitted_at: emittedAt,
    });
    return { key: ticker, value: JSON.stringify(envelope) };
  });
}
