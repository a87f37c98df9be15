/**
 * Every value format we write into a Redis structure and read back, built and split in one place
 * (as names.ts does for key names). Job stream entries have theirs in schemas/job.ts.
 */
import type { DispatchReason } from "./dispatch_stats.ts";

/** Separator of the composite values below; neither a uuid nor a reason contains it. */
const SEPARATOR = ":";

/** Field of the dispatch-stats hash counting one pipeline's reason: `<pipelineId>:<reason>`. */
export function dispatchStatsField(pipelineId: string, reason: DispatchReason): string {
  return `${pipelineId}${SEPARATOR}${reason}`;
}

/** What separates a dispatch-stats field's pipeline id from its reason (for the script). */
export const DISPATCH_STATS_FIELD_SEPARATOR = SEPARATOR;

/**
 * Member of the retry schedule for one execution: `<execution_id>:<pipeline_id>`. The promotion
 * script splits it at the first {@linkcode RETRY_MEMBER_SEPARATOR}, which it is given as an
 * argument.
 */
export function retryMember(job: { execution_id: string; pipeline_id: string }): string {
  return `${job.execution_id}${RETRY_MEMBER_SEPARATOR}${job.pipeline_id}`;
}

/** What separates a retry member's execution id from its pipeline id. */
export const RETRY_MEMBER_SEPARATOR = SEPARATOR;

/**
 * State of an alert a webhook source received (the value of `names.intakeSeen`):
 * `pending` while its signal is being published (since `attemptMs`), `failed` when Kafka did not
 * acknowledge it, `acked` once it did. `firstMs` is the first receipt, which a content-hashed
 * alert's signal id carries, so every retry publishes the same id.
 */
export type IntakeMarker =
  | { state: "pending"; firstMs: number; attemptMs: number }
  | { state: "failed" | "acked"; firstMs: number };

/** `p:<firstMs>:<attemptMs>`, `f:<firstMs>` or `a:<firstMs>`. */
export function intakeMarker(marker: IntakeMarker): string {
  return marker.state === "pending"
    ? `p${SEPARATOR}${marker.firstMs}${SEPARATOR}${marker.attemptMs}`
    : `${marker.state[0]}${SEPARATOR}${marker.firstMs}`;
}

/** The marker a value holds; null for anything else (a marker written by an older version). */
export function intakeMarkerOf(value: string): IntakeMarker | null {
  const [state, first, attempt] = value.split(SEPARATOR);
  const firstMs = Number(first);
  if (!Number.isSafeInteger(firstMs)) return null;
  if (state === "p" && Number.isSafeInteger(Number(attempt))) {
    return { state: "pending", firstMs, attemptMs: Number(attempt) };
  }
  if (state === "f") return { state: "failed", firstMs };
  if (state === "a") return { state: "acked", firstMs };
  return null;
}
