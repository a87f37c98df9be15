/**
 * Every Redis key, stream, group and channel name, built in one place from REDIS_KEY_PREFIX, plus
 * the Postgres NOTIFY channel. Tests pass a unique prefix so they never share state.
 */

/** The names a process uses; build with {@linkcode redisNames}. */
export interface RedisNames {
  /** Stream of pipeline jobs (XADD by dispatcher, scheduler, API; XREADGROUP by workers). */
  jobsStream: string;
  /** Consumer group of the workers on {@linkcode RedisNames.jobsStream}. */
  workersGroup: string;
  /** Stream of jobs that failed past their attempts. */
  deadLetterStream: string;
  /** Sorted set of executions waiting for a retry, scored by due time (ms). */
  retrySchedule: string;
  /** Hash of dispatch decision counters, field `<pipelineId>:<reason>`. */
  dispatchStats: string;
  /** Marker of a dead letter written, by its key (`topic/partition/offset[#index]`). */
  deadLetterWritten(letterKey: string): string;
  /** Counter of login attempts for one email or client address (INCR with expiry). */
  loginAttempts(scope: "email" | "address", id: string): string;
  /** Counter of one webhook source's deliveries in one minute (INCR with expiry). */
  intakeRate(sourceId: string, minute: number): string;
  /** Hash of a confluence pipeline's latest signal per source, for one ticker and direction. */
  confluence(pipelineId: string, ticker: string, direction: string): string;
  /** A confluence's last fire (id and event time), for one pipeline, ticker and direction. */
  confluenceFired(pipelineId: string, ticker: string, direction: string): string;
  /** Marker of an alert a webhook source already accepted (SET NX with the dedup window). */
  intakeSeen(sourceId: string, duplicateKey: string): string;
  /**
   * Pub/sub channels on which the dispatcher (its claims and sweeps) and the worker (its start
   * and outcome rounds) announce what they changed, with the payloads of
   * {@linkcode EXECUTION_CHANGES_CHANNEL} and {@linkcode SIGNAL_LOG_CHANNEL} (those statements do
   * not NOTIFY: migrations 0025 and 0028).
   */
  executionChanges: string;
  signalLogChanges: string;
}

/** Builds the names under `prefix` (REDIS_KEY_PREFIX, default "tickwire"). */
export function redisNames(prefix: string): RedisNames {
  return {
    jobsStream: `${prefix}:jobs`,
    workersGroup: "pipeline-workers",
    deadLetterStream: `${prefix}:jobs:dead`,
    retrySchedule: `${prefix}:jobs:retry`,
    dispatchStats: `${prefix}:dispatch:stats`,
    deadLetterWritten: (letterKey) => `${prefix}:dispatch:dead-letter:${letterKey}`,
    loginAttempts: (scope, id) => `${prefix}:auth:attempts:${scope}:${id}`,
    intakeRate: (sourceId, minute) => `${prefix}:intake:rate:${sourceId}:${minute}`,
    intakeSeen: (sourceId, key) => `${prefix}:intake:seen:${sourceId}:${key}`,
    confluence: (pipelineId, ticker, direction) =>
      `${prefix}:confluence:${pipelineId}:${ticker}:${direction}`,
    confluenceFired: (pipelineId, ticker, direction) =>
      `${prefix}:confluence-fired:${pipelineId}:${ticker}:${direction}`,
    executionChanges: `${prefix}:live:executions`,
    signalLogChanges: `${prefix}:live:signals`,
  };
}

/** Postgres NOTIFY channel announcing pipeline changes; payload: a PipelineChange JSON. */
export const PIPELINE_CHANGES_CHANNEL = "tickwire_pipeline_changes";

/** Postgres NOTIFY channel announcing user scanner changes; payload: a RowChange JSON. */
export const SCANNER_CHANGES_CHANNEL = "tickwire_scanner_changes";

/**
 * Postgres NOTIFY channel on which a statement-level trigger (migration 0014) announces whose
 * executions changed; payload: comma-separated pipeline ids.
 */
export const EXECUTION_CHANGES_CHANNEL = "tickwire_execution_changes";

/** Postgres NOTIFY channel on which a statement-level trigger (migration 0019) says the signal log grew. */
export const SIGNAL_LOG_CHANNEL = "tickwire_signal_log";
