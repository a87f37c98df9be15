/** The dispatcher's Prometheus metrics, served on METRICS_PORT_DISPATCHER. */
import type { SummaryFigure } from "../../shared/log_summary.ts";
import { MetricsRegistry } from "../../shared/metrics.ts";

const SIZE_BUCKETS = [1, 5, 20, 50, 100, 250, 500, 1000, 2500, 5000, 10_000];

/** Creates the dispatcher's metrics on a fresh registry. */
export function createDispatcherMetrics(registry = new MetricsRegistry()) {
  const m = (name: string) => `tickwire_dispatcher_${name}`;
  return {
    registry,
    signalsConsumed: registry.counter(m("signals_consumed_total"), "Signals read from Kafka"),
    badMessages: registry.counter(
      m("bad_messages_total"),
      "Messages that failed to parse, by reason, copied to the dead-letter topic",
    ),
    batchSize: registry.histogram(m("batch_size"), "Signals per claimed batch", SIZE_BUCKETS),
    batchDuration: registry.histogram(
      m("batch_duration_seconds"),
      "From flush start to committed offsets, including the wait for the batch before it",
    ),
    dbStatements: registry.counter(m("db_statements_total"), "Postgres statements, by statement"),
    claims: registry.counter(m("claims_total"), "Executions created by claims"),
    skips: registry.counter(
      m("skips_total"),
      "Matched-or-not decisions that ran nothing, by reason",
    ),
    consumerLag: registry.gauge(
      m("consumer_lag"),
      "Messages behind the high watermark, by partition, as of the last batch",
    ),
    enqueueLatency: registry.histogram(
      m("enqueue_latency_seconds"),
      "From a signal's arrival at the dispatcher to its jobs being on the stream",
    ),
    jobsEnqueued: registry.counter(m("jobs_enqueued_total"), "Jobs put on the stream, by source"),
    retries: registry.counter(m("retries_total"), "Failed attempts retried, by stage"),
    stageFailures: registry.gauge(
      m("stage_failures"),
      "Failed attempts in a row of each stage of the batch in flight (0 once it passes)",
    ),
    secondsSinceLastCommit: registry.gauge(
      m("seconds_since_last_commit"),
      "Seconds since offsets were last committed (or the dispatcher started)",
    ),
    stalled: registry.gauge(
      m("stalled"),
      "1 while no commit for longer than DISPATCHER_STALL_SECONDS with work waiting (/readyz is 503)",
    ),
    pipelinesIndexed: registry.gauge(m("pipelines_indexed"), "Active signal pipelines in memory"),
  };
}

/** The dispatcher's metrics. */
export type DispatcherMetrics = ReturnType<typeof createDispatcherMetrics>;

/** The figures of the dispatcher's periodic console summary. */
export function dispatcherSummary(m: DispatcherMetrics): SummaryFigure[] {
  return [
    { label: "signals", read: () => m.signalsConsumed.total(), rate: true },
    { label: "batches", read: () => m.batchSize.count() },
    { label: "claimed", read: () => m.claims.total() },
    { label: "skipped", read: () => m.skips.total() },
    { label: "bad", read: () => m.badMessages.total() },
    { label: "lag", read: () => m.consumerLag.total(), kind: "gauge" },
  ];
}
