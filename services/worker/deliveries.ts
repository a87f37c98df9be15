/**
 * The worker's decisions about what it read, pure: which entries are jobs, which are dead letters
 * or plain acknowledgements, and (once their start statement returned) what each job's delivery
 * needs. The stages in `worker.ts` only carry these decisions out.
 */
import { type Job, parseJobFields } from "../../shared/schemas/job.ts";
import type { DeadLetter } from "./dead_letter.ts";
import type { StreamEntry } from "./job_stream.ts";
import { decideDelivery, type DeliveredExecution, type Delivery } from "./start_executions.ts";

/** A stream entry that parsed as a job. */
export interface JobEntry {
  entry: StreamEntry & { fields: string[] };
  job: Job;
}

/** Entries read, sorted by what they need. */
export interface SortedEntries {
  jobs: JobEntry[];
  /** Acknowledge only: trimmed from the stream (a still-queued execution is re-enqueued by the sweep). */
  acks: string[];
  /** Malformed: dead-letter, then acknowledge. */
  letters: DeadLetter[];
}

/** Sorts entries into jobs, plain acknowledgements and malformed ones (dead letters). */
export function sortEntries(entries: readonly StreamEntry[]): SortedEntries {
  const sorted: SortedEntries = { jobs: [], acks: [], letters: [] };
  for (const entry of entries) {
    const { fields } = entry;
    if (!fields) {
      sorted.acks.push(entry.id);
      continue;
    }
    const parsed = parseJobFields(fields);
    if (parsed.ok) sorted.jobs.push({ entry: { ...entry, fields }, job: parsed.job });
    else {
      const reason = `Cannot parse job "${entry.id}": ${parsed.error}`;
      sorted.letters.push({ entryId: entry.id, fields, reason });
    }
  }
  return sorted;
}

/** A job's delivery decision, with the execution it was decided on (absent when it is gone). */
export type DecidedDelivery =
  | { delivery: "run" | "reschedule" | "exhausted"; execution: DeliveredExecution }
  | { delivery: "ack" | "leave"; execution: DeliveredExecution | undefined };

/**
 * Decides every job of one start statement, in order, from the executions it returned: the
 * first entry of an execution started here runs it; a later entry of the same one is a duplicate.
 */
export function decideDeliveries(
  jobs: readonly JobEntry[],
  executions: readonly DeliveredExecution[],
): DecidedDelivery[] {
  const byId = new Map(executions.map((e) => [e.id, e]));
  const seen = new Set<string>();
  return jobs.map(({ entry, job }) => {
    const execution = byId.get(job.execution_id);
    const delivery: Delivery = decideDelivery(
      execution,
      entry.reclaimed,
      seen.has(job.execution_id),
    );
    seen.add(job.execution_id);
    if (delivery === "ack" || delivery === "leave") return { delivery, execution };
    return { delivery, execution: execution! };
  });
}

/** Why an execution out of attempts is failed, as recorded and dead-lettered. */
export function exhaustedReason(
  execution: DeliveredExecution,
  visibilityTimeoutSeconds: number,
): string {
  const last = execution.previous_status === "running"
    ? `its worker stopped responding (no heartbeat for ${visibilityTimeoutSeconds} s)`
    : execution.error ?? "no attempt left";
  return `Gave up after ${execution.attempts} of ${execution.max_attempts} attempts: ${last}`;
}
