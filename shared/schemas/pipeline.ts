/**
 * Pipeline fields shared by the API (validation), the dispatcher (matching) and the scheduler.
 * Column names follow the seed (`trigger_mode`, `scanner_tickers`, `is_active`, `config`).
 */
import { Cron } from "croner";
import { z } from "zod";
import { SIGNAL_TYPES } from "./signal.ts";
import { pipelineConfigSchema } from "./steps.ts";

export const TRIGGER_MODES = ["signal", "periodic"] as const;
export type TriggerMode = (typeof TRIGGER_MODES)[number];

/** skip: never a second active run (the seed's); buffer_one: one more queued; allow: no guard. */
export const OVERLAP_POLICIES = ["skip", "buffer_one", "allow"] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** When a periodic pipeline fires: every N seconds (N ≥ 10) or a cron expression. */
export const scheduleSchema = z.union([
  z.object({ every_seconds: z.number().int().min(10).max(366 * 24 * 3600) }).strict(),
  z.object({ cron: z.string().trim().min(1).max(200), timezone: z.string().min(1).optional() })
    .strict()
    .superRefine((schedule, ctx) => {
      if (schedule.cron.length === 0 || schedule.cron.length > 200) return; // reported above
      const problem = cronProblem(schedule.cron, schedule.timezone);
      if (problem) ctx.addIssue({ code: "custom", path: ["cron"], message: problem });
    }),
]);

/** Why croner (the scheduler's parser) rejects a cron schedule, or null when it accepts it. */
export function cronProblem(expression: string, timezone?: string): string | null {
  try {
    const cron = new Cron(expression, { paused: true, ...(timezone ? { timezone } : {}) });
    return cron.nextRun() ? null : `cron "${expression}" never fires again`;
  } catch (error) {
    return `invalid cron "${expression}"${timezone ? ` in timezone "${timezone}"` : ""}: ${
      (error as Error).message
    }`;
  }
}
export type Schedule = z.infer<typeof scheduleSchema>;

/** Which signals may trigger a pipeline; every key optional, all given keys must hold. */
export const signalFilterSchema = z.object({
  signals: z.array(z.enum(SIGNAL_TYPES)).min(1).optional(),
  min_confidence: z.number().min(0).max(100).optional(),
  scanners: z.array(z.string().min(1).max(64)).min(1).optional(),
}).strict();
export type SignalFilter = z.infer<typeof signalFilterSchema>;

/** A pipeline as stored (one row of `pipelines`). */
export interface Pipeline {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  trigger_mode: TriggerMode;
  scanner_tickers: string[];
  config: z.infer<typeof pipelineConfigSchema>;
  is_active: boolean;
  schedule: Schedule | null;
  overlap_policy: OverlapPolicy;
  signal_filter: SignalFilter | null;
  max_signal_age_seconds: number | null;
  max_attempts: number;
  created_at: Date;
  updated_at: Date;
}

/** What the API announces on every pipeline change (NOTIFY payload). */
export const pipelineChangeSchema = z.object({
  op: z.enum(["upsert", "delete"]),
  id: z.uuid(),
});
export type PipelineChange = z.infer<typeof pipelineChangeSchema>;
