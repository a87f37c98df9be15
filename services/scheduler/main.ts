/** `deno task scheduler`: fires periodic pipelines while leading, until SIGTERM/SIGINT. */
import { parseConfig } from "../../shared/config.ts";
import { connectPostgres } from "../../shared/db.ts";
import { serveMetrics } from "../../shared/metrics.ts";
import { redisNames } from "../../shared/names.ts";
import { bootService, exitOnConfigError } from "../../shared/process.ts";
import { closeStores, connectStores, waitForStores } from "../../shared/stores.ts";
import { createScheduler } from "./scheduler.ts";

const config = exitOnConfigError(() => parseConfig(Deno.env.toObject()));
const { log, signal } = await bootService({ service: "scheduler", config });
// One connection holds the leader lock, one LISTENs, the rest claim.
const stores = connectStores(config, { service: "scheduler", poolSize: 4, log });
const { sql, redis } = stores;
const scheduler = createScheduler({
  sql,
  connectLock: () =>
    connectPostgres(config.databaseUrl, { max: 1, applicationName: "tickwire-scheduler-lock" }),
  redis,
  names: redisNames(config.REDIS_KEY_PREFIX),
  log,
}, {
  tickSeconds: config.SCHEDULER_TICK_SECONDS,
  reloadSeconds: config.SCHEDULER_RELOAD_SECONDS,
  streamMaxLength: config.JOBS_STREAM_MAX_LENGTH,
});
// Served before the wait, so liveness answers and /readyz names what is still down.
const missing = new Set<string>();
const server = serveMetrics(
  scheduler.metrics.registry,
  config.METRICS_PORT_SCHEDULER,
  signal,
  () => [...missing],
);
await waitForStores(stores, config, { signal, log, missing });
await scheduler.run(signal);
await server.finished;
await closeStores(stores);
log.info("Scheduler stopped");
