/** What a finished run becomes: a final status, or a retry after a backoff. */
import type { FinalStatus } from "../../shared/schemas/execution.ts";
import type { Completion } from "./finish_execution.ts";
import type { RunOutcome } from "./run_pipeline.ts";

/** The completion to record, the metric it counts as, and the dead-letter reason if any. */
export interface CompletionPlan {
  completion: Completion;
  counted: FinalStatus | "retried";
  deadLetterReason: string | null;
}

/**
 * Plans the record of a run that was not interrupted: a retryable failure with attempts left
 * becomes a retry due `delaySeconds` after `now`; one without attempts left is dead-lettered.
 */
export function planCompletion(
  outcome: Exclude<RunOutcome, { status: "interrupted" }>,
  attempt: number,
  maxAttempts: number,
  delaySeconds: number,
  now: Date,
): CompletionPlan {
  const { steps } = outcome;
  if (outcome.status !== "failed") {
    const completion = { status: outcome.status, steps, result: outcome.result, error: null };
    return { completion, counted: outcome.status, deadLetterReason: null };
  }
  if (outcome.retryable && attempt < maxAttempts) {
    const retryAt = new Date(now.getTime() + delaySeconds * 1000);
    return {
      completion: { status: "queued", steps, error: outcome.error, retryAt },
      counted: "retried",
      deadLetterReason: null,
    };
  }
  const error = outcome.retryable
    ? `Gave up after ${attempt} of ${maxAttempts} attempts: ${outcome.error}`
    : outcome.error;
  return {
    completion: { status: "failed", steps, result: outcome.result, error },
    counted: "failed",
    deadLetterReason: outcome.retryable ? error : null,
  };
}
