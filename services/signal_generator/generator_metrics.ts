/** The signal generator's Prometheus metrics, served on METRICS_PORT_SIGNAL_GENERATOR. */
import type { SummaryFigure } from "../../shared/log_summary.ts";
import { MetricsRegistry } from "../../shared/metrics.ts";

/** Creates the signal generator's metrics on a fresh registry. */
export function createGeneratorMetrics(registry = new MetricsRegistry()) {
  const m = (name: string) => `tickwire_signal_generator_${name}`;
  return {
    registry,
    bars: registry.counter(m("bars_total"), "Bars read from the market data source"),
    dataProblems: registry.counter(m("data_problems_total"), "Market data rows skipped as bad"),
    signalsEmitted: registry.counter(m("signals_emitted_total"), "Signals found, by scanner"),
    signalsPublished: registry.counter(
      m("signals_published_total"),
      "Signals acknowledged by all in-sync replicas",
    ),
    signalsBuffered: registry.gauge(m("signals_buffered"), "Signals waiting for Kafka"),
    signalsDropped: registry.counter(
      m("signals_dropped_total"),
      "Oldest buffered signals dropped because the buffer was full",
    ),
    publishErrors: registry.counter(
      m("publish_errors_total"),
      "Failed connects or sends to Kafka, each followed by a backoff",
    ),
    /** The bar topic's publisher, counted apart from the signals. */
    barPublisher: {
      signalsPublished: registry.counter(
        m("bars_published_total"),
        "Bars acknowledged on the bar topic",
      ),
      signalsBuffered: registry.gauge(m("bars_buffered"), "Bars waiting for Kafka"),
      signalsDropped: registry.counter(
        m("bars_dropped_total"),
        "Oldest buffered bars dropped because the buffer was full",
      ),
      publishErrors: registry.counter(
        m("bar_publish_errors_total"),
        "Failed connects or sends of bars to Kafka",
      ),
    },
  };
}

/** The signal generator's metrics. */
export type GeneratorMetrics = ReturnType<typeof createGeneratorMetrics>;

/** The figures of the generator's periodic console summary. */
export function generatorSummary(m: GeneratorMetrics): SummaryFigure[] {
  return [
    { label: "bars", read: () => m.bars.total() },
    { label: "signals", read: () => m.signalsEmitted.total(), rate: true },
    { label: "published", read: () => m.signalsPublished.total() },
    { label: "publish errors", read: () => m.publishErrors.total() },
    { label: "buffered", read: () => m.signalsBuffered.total(), kind: "gauge" },
  ];
}
