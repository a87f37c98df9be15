import assert from "node:assert/strict";
import { createKafka } from "../../shared/kafka.ts";
import { serviceLogger } from "../../shared/logging.ts";
import { createGeneratorMetrics } from "./generator_metrics.ts";
import { createSignalPublisher } from "./signal_publisher.ts";

Deno.test("publisher: a full buffer drops the oldest signals and counts them, without Kafka", () => {
  const metrics = createGeneratorMetrics();
  const publisher = createSignalPublisher({
    // Never connected: `run` is not called, so nothing is sent and everything waits.
    kafka: createKafka({ brokers: "127.0.0.1:1" }),
    topic: "unused",
    log: serviceLogger("signal-generator", "test"),
    metrics,
    bufferMax: 5,
  });
  const signal = (day: number) => ({
    ticker: "AAPL",
    signal: "BULLISH" as const,
    confidence: 60,
    signal_id: `rsi:AAPL:2024-03-${String(day).padStart(2, "0")}`,
  });
  publisher.publish([1, 2, 3].map(signal));
  publisher.publish([4, 5, 6, 7, 8].map(signal));
  assert.equal(publisher.pending, 5);
  assert.equal(metrics.signalsDropped.get(), 3);
  assert.equal(metrics.signalsBuffered.get(), 5);
  publisher.publish([]);
  assert.equal(metrics.signalsDropped.get(), 3);
});
