/** `deno task worker`: runs pipelines from the jobs stream until SIGTERM/SIGINT. */
import { parseConfig } from "../../shared/config.ts";
import { egressPolicy } from "../../shared/egress/egress_policy.ts";
import { instanceId } from "../../shared/logging.ts";
import { serveMetrics } from "../../shared/metrics.ts";
import { redisNames } from "../../shared/names.ts";
import { bootService, exitOnConfigError } from "../../shared/process.ts";
import { connectStores, waitForStores } from "../../shared/stores.ts";
import { logSummaries } from "../../shared/log_summary.ts";
import { collectQueueDepth, workerMetrics, workerSummary } from "./metrics.ts";
import { roundsPool, workerConnections } from "./connections.ts";
import { createWorker } from "./worker.ts";

const config = exitOnConfigError(() => parseConfig(Deno.env.toObject()));
const consumer = instanceId();
const { log, signal } = await bootService({ service: "worker", config, instance: consumer });
const connections = workerConnections(config.DATABASE_POOL_SIZE, config.WORKER_CONCURRENCY);
const stores = connectStores(config, {
  service: "worker",
  redisName: `tickwire-worker-${consumer}`,
  poolSize: connections.pool,
  log,
});
const { sql, redis } = stores;
const rounds = roundsPool(connections, sql, config.databaseUrl);
const names = redisNames(config.REDIS_KEY_PREFIX);
const metrics = workerMetrics();
collectQueueDepth(metrics.registry, redis, names);
// Served before the wait, so liveness answers and /readyz names what is still down.
const missing = new Set<string>();
const server = serveMetrics(
  metrics.registry,
  config.METRICS_PORT_WORKER,
  signal,
  () => [...missing],
);
await waitForStores(stores, config, { signal, log, missing });
const egress = egressPolicy(config.EGRESS_ALLOWED_NETWORKS);
const worker = createWorker({ sql, rounds, redis, names, log, metrics, egress }, {
  consumer,
  concurrency: config.WORKER_CONCURRENCY,
  visibilityTimeoutSeconds: config.WORKER_VISIBILITY_TIMEOUT_SECONDS,
  heartbeatSeconds: config.WORKER_HEARTBEAT_SECONDS,
  shutdownDeadlineSeconds: config.WORKER_SHUTDOWN_DEADLINE_SECONDS,
  stepTimeoutSeconds: config.WORKER_STEP_TIMEOUT_SECONDS,
  retryBaseSeconds: config.WORKER_RETRY_BASE_SECONDS,
  retryMaxSeconds: config.WORKER_RETRY_MAX_SECONDS,
  streamMaxLength: config.JOBS_STREAM_MAX_LENGTH,
});
logSummaries(log, workerSummary(metrics), { everySeconds: config.LOG_SUMMARY_SECONDS, signal });
await worker.run(signal);
await server.finished;
redis.disconnect();
await Promise.all([sql.end({ timeout: 5 }), rounds.end({ timeout: 5 })]);
