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
  /** The stage of the batch in flight that is failing, and its failed attempts so far. */
  failing: { stage: string; failures: number; error: string } | null;
  /** Messages behind the high watermark at the last fetch, summed over partitions. */
  lag: number;
}

/** A fresh record at `nowMs`. */
export function createProgress(nowMs: number): Progress {
  return { lastCommitMs: nowMs, batchStartedMs: null, failing: null, lag: 0 };
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
