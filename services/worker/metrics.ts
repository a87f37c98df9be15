/** The worker's Prometheus metrics, and collectors reading the queue's depth at scrape time. */
import type { Redis } from "ioredis";
import type { SummaryFigure } from "../../shared/log_summary.ts";
import { MetricsRegistry } from "../../shared/metrics.ts";
import type { RedisNames } from "../../shared/names.ts";

/** Counters and the run-duration histogram a worker updates. */
export type WorkerMetrics = ReturnType<typeof workerMetrics>;

/** Creates the worker's metrics in `registry` (default: a new one). */
export function workerMetrics(registry = new MetricsRegistry()) {
  return {
    registry,
    started: registry.counter("tickwire_worker_jobs_started_total", "Runs started"),
    succeeded: registry.counter("tickwire_worker_jobs_succeeded_total", "Runs that succeeded"),
    skipped: registry.counter(
      "tickwire_worker_jobs_skipped_total",
      "Runs halted by a step (e.g. the signal gate)",
    ),
    rejected: registry.counter(
      "tickwire_worker_jobs_rejected_total",
      "Runs whose trade was refused (cash, position cap, size 0)",
    ),
    failed: registry.counter("tickwire_worker_jobs_failed_total", "Runs failed for good"),
    retried: registry.counter("tickwire_worker_jobs_retried_total", "Runs scheduled for a retry"),
    reclaimed: registry.counter(
      "tickwire_worker_jobs_reclaimed_total",
      "Entries reclaimed from other consumers after the visibility timeout",
    ),
    deadLettered: registry.counter(
      "tickwire_worker_jobs_dead_lettered_total",
      "Entries moved to the dead-letter stream, by reason",
    ),
    ignored: registry.counter(
      "tickwire_worker_deliveries_ignored_total",
      "Deliveries acknowledged without a run (duplicate, finished, running elsewhere)",
    ),
    runDuration: registry.histogram(
      "tickwire_worker_run_duration_seconds",
      "Wall time of a run, by outcome",
    ),
    inFlight: registry.gauge("tickwire_worker_runs_in_flight", "Runs in progress"),
  };
}

/** The figures of the worker's periodic console summary. */
export function workerSummary(m: WorkerMetrics): SummaryFigure[] {
  return [
    { label: "runs", read: () => m.started.total(), rate: true },
    { label: "succeeded", read: () => m.succeeded.total() },
    { label: "skipped", read: () => m.skipped.total() },
    { label: "rejected", read: () => m.rejected.total() },
    { label: "retried", read: () => m.retried.total() },
    { label: "failed", read: () => m.failed.total() },
    { label: "in flight", read: () => m.inFlight.total(), kind: "gauge" },
  ];
}

/** Adds gauges of stream length, pending entries and waiting retries, read at each scrape. */
export function collectQueueDepth(registry: MetricsRegistry, redis: Redis, names: RedisNames) {
  const length = registry.gauge("tickwire_jobs_stream_length", "Entries in the jobs stream");
  const pending = registry.gauge(
    "tickwire_jobs_pending_entries",
    "Entries delivered to a worker and not yet acknowledged",
  );
  const retries = registry.gauge("tickwire_jobs_retry_scheduled", "Executions waiting to retry");
  const dead = registry.gauge("tickwire_jobs_dead_letter_length", "Entries in the dead letters");
  registry.onCollect(async () => {
    const [xlen, summary, zcard, deadLen] = await Promise.all([
      redis.xlen(names.jobsStream),
      redis.xpending(names.jobsStream, names.workersGroup).catch(() => [0]),
      redis.zcard(names.retrySchedule),
      redis.xlen(names.deadLetterStream),
    ]);
    length.set(xlen);
    pending.set(Number((summary as unknown[])[0] ?? 0));
    retries.set(zcard);
    dead.set(deadLen);
  });
}
