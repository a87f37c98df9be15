/**
 * The execution contract: one record schema ({@linkcode executionSchema}) with its enums, from
 * which the claim, the worker's view, the API's store rows and answers are derived.
 */
import { z } from "../zod.ts";
import { TRIGGER_MODES } from "./pipeline.ts";

/** What created an execution: a pipeline's trigger mode, or a user's manual run. */
export const TRIGGER_KINDS = [...TRIGGER_MODES, "manual"] as const;
export const triggerKindSchema = z.enum(TRIGGER_KINDS);
export type TriggerKind = z.infer<typeof triggerKindSchema>;

/** queued and running are active (they hold an overlap slot); the others are final. */
export const EXECUTION_STATUSES = [
  "queued",
  "running",
  "succeeded",
  "failed",
  "skipped",
  "rejected",
] as const;
export const executionStatusSchema = z.enum(EXECUTION_STATUSES);
export type ExecutionStatus = z.infer<typeof executionStatusSchema>;
/** The statuses a run ends in. */
export type FinalStatus = Exclude<ExecutionStatus, "queued" | "running">;

/** An execution as stored (the columns of `pipeline_executions` that anyone reads back). */
export const executionSchema = z.object({
  id: z.uuid(),
  pipeline_id: z.uuid(),
  status: executionStatusSchema,
  trigger_kind: triggerKindSchema,
  /** Idempotency key (signal id, tick id); null for manual runs. */
  signal_id: z.string().nullable(),
  /** The triggering signal's metadata. */
  signal: z.record(z.string(), z.unknown()).nullable(),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  /** Per-step results, in order. */
  steps: z.array(z.unknown()),
  result: z.unknown().nullable(),
  error: z.string().nullable(),
  signal_emitted_at: z.date().nullable(),
  received_at: z.date().nullable(),
  queued_at: z.date(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
});
export type Execution = z.infer<typeof executionSchema>;

/** The reason of the step that halted a run (a stored `result.halted.reason`), or null. */
export function haltReason(result: unknown): string | null {
  const halted = (result as { halted?: { reason?: unknown } } | null)?.halted;
  return typeof halted?.reason === "string" ? halted.reason : null;
}
