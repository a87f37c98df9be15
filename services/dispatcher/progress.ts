/**
 * Whether the dispatcher is getting anywhere. Health says the process is up; readiness says its
 * batches commit. A batch that cannot commit (an outage, or a failure isolation cannot pin on a
 * signal) is retried without end, and while it is, nothing after it is committed: the consumer
 * lag grows. So a dispatcher is not ready when a batch has been in flight for longer than the
 * stall bound (DISPATCHER_STALL_SECONDS), or when its last fetch saw lag and nothing has been
 * committed for that long; the reason names the stage that is failing and how often.
 */

/** What the batch processor and the consumer report as they go. */
export interface Progress {
  /** When offsets were last committed (or the dispatcher started), epoch ms. */
  lastCommitMs: number;
  /** When the batch in flight started, epoch ms; null between batches. */
  batchStartedMs: number | null;
  /** The stage failing now (the latest to fail of those still failing), and its failed attempts. */
  failing: StageFailure | null;
  /** Messages behind the high watermark at the last fetch, summed over partitions. */
  lag: number;
  /** Every stage failing now, by the run of the stage that reported it. */
  readonly failures: Map<object, StageFailure>;
}

/** A stage's failure as readiness tells it. */
export interface StageFailure {
  stage: string;
  failures: number;
  error: string;
}

/** A fresh record at `nowMs`. */
export function createProgress(nowMs: number): Progress {
  return { lastCommitMs: nowMs, batchStartedMs: null, failing: null, lag: 0, failures: new Map() };
}

/**
 * Reports that the stage run `by` (an object of that run's own) failed again. With two batches in
 * flight, one batch's stage may fail while the other's passes: each run reports and clears only
 * its own failure, so a passing stage never hides a failing one.
 */
export function reportFailure(p: Progress, by: object, failure: StageFailure): void {
  p.failures.delete(by);
  p.failures.set(by, failure);
  p.failing = failure;
}

/** The stage run `by` is over (passed, gave up, or stopped): its failure no longer shows. */
export function clearFailure(p: Progress, by: object): void {
  if (!p.failures.delete(by)) return;
  p.failing = [...p.failures.values()].at(-1) ?? null;
}

/** Why the dispatcher is stalled at `nowMs` with bound `stallMs`, or null when it is not. */
export function stallReason(p: Progress, nowMs: number, stallMs: number): string | null {
  const inFlightMs = p.batchStartedMs === null ? 0 : nowMs - p.batchStartedMs;
  const sinceCommitMs = nowMs - p.lastCommitMs;
  if (inFlightMs <= stallMs && (p.lag === 0 || sinceCommitMs <= stallMs)) return null;
  const seconds = Math.round(sinceCommitMs / 1000);
  const why = p.failing
    ? `stage "${p.failing.stage}" failed ${p.failing.failures} times: ${p.failing.error}`
    : p.batchStartedMs === null
    ? "no batch is being processed"
    : "a batch is still in flight";
  return `No offsets committed for ${seconds} s with ${p.lag} messages behind; ${why}`;
}
