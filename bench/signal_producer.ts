/**
 * Bench signals on Kafka, shaped as the generator publishes them (one envelope per ticker, keyed
 * by ticker, built by the generator's own `toSignalMessages`), each with a unique `signal_id` and
 * `emitted_at` set to the moment it is handed to the producer.
 */
import { Partitioners } from "kafkajs";
import type { Kafka } from "../shared/kafka.ts";
import { toSignalMessages } from "../shared/signals/signal_messages.ts";
import type { TickerSignal } from "../shared/schemas/signal.ts";
import { benchTicker } from "./bench_pipelines.ts";
import { sleep } from "../shared/sleep.ts";

/** Signals `from` … `from + count - 1` of a run, round-robin over `tickers` tickers. */
function benchSignals(idPrefix: string, from: number, count: number, tickers: number) {
  const emittedAt = new Date().toISOString();
  const signals: TickerSignal[] = [];
  for (let i = from; i < from + count; i++) {
    signals.push({
      ticker: benchTicker(i % tickers),
      signal: i % 2 === 0 ? "BULLISH" : "BEARISH",
      confidence: 80,
      signal_id: `${idPrefix}-${i}`,
      scanner: "golden_cross",
      price: 100,
      emitted_at: emittedAt,
    });
  }
  // One message per signal: the generator's envelope, one ticker each.
  return signals.flatMap((s) => toSignalMessages([s], emittedAt));
}

/** Options of the producers. */
export interface ProduceOptions {
  kafka: Kafka;
  topic: string;
  /** Signal ids are `<idPrefix>-<n>`. */
  idPrefix: string;
  tickers: number;
}

/** Produces `count` signals as fast as the broker takes them (acks=all, 4 sends in flight). */
export async function produceSignals(o: ProduceOptions, count: number): Promise<void> {
  const producer = o.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const chunk = 5000;
    const inFlight = new Set<Promise<unknown>>();
    for (let from = 0; from < count; from += chunk) {
      const messages = benchSignals(o.idPrefix, from, Math.min(chunk, count - from), o.tickers);
      const send = producer.send({ topic: o.topic, messages });
      inFlight.add(send);
      send.finally(() => inFlight.delete(send)).catch(() => {});
      if (inFlight.size >= 4) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
}

/** Most signals in one paced send (about 250 bytes each). */
const MAX_SIGNALS_PER_SEND = 1000;

/**
 * Produces `rate` signals/s for `seconds`, in small sends every 5 ms (each signal stamped when
 * its send starts); returns the rate achieved. `progress.sent` counts the signals handed over.
 */
export async function paceSignals(
  o: ProduceOptions,
  rate: number,
  seconds: number,
  signal: AbortSignal,
  progress: { sent: number } = { sent: 0 },
): Promise<{ produced: number; achievedRate: number }> {
  const producer = o.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const total = rate * seconds;
  const inFlight = new Set<Promise<unknown>>();
  let failure: unknown;
  let sent = 0;
  const startMs = performance.now();
  try {
    while (sent < total && !signal.aborted && failure === undefined) {
      const due = Math.min(total, Math.floor((rate * (performance.now() - startMs)) / 1000));
      if (due > sent) {
        // A loop that fell behind (a loaded machine) catches up in several sends, each well
        // under the broker's 1 MiB request limit.
        const count = Math.min(due - sent, MAX_SIGNALS_PER_SEND);
        const messages = benchSignals(o.idPrefix, sent, count, o.tickers);
        sent += count;
        progress.sent = sent;
        const send = producer.send({ topic: o.topic, messages });
        inFlight.add(send);
        send.catch((error) => failure = error).finally(() => inFlight.delete(send));
        if (inFlight.size >= 64) await Promise.race(inFlight).catch(() => {});
      }
      await sleep(5, signal);
    }
    await Promise.allSettled(inFlight);
    if (failure !== undefined) throw new Error("Cannot produce bench signals", { cause: failure });
    const elapsed = (performance.now() - startMs) / 1000;
    return { produced: sent, achievedRate: Math.round(sent / elapsed) };
  } finally {
    await producer.disconnect();
  }
}
