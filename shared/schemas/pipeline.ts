/**
 * The pipeline contract: one record schema ({@linkcode pipelineSchema}) with its enums, from which
 * the API's bodies and answers, the stores' rows and the OpenAPI components are derived. Shared by
 * the API (validation), the dispatcher (matching) and the scheduler. Column names follow the seed
 * (`trigger_mode`, `scanner_tickers`, `is_active`, `config`).
 */
import { Cron } from "croner";
import { z } from "../zod.ts";
import { type RowChange, rowChangeSchema } from "./row_change.ts";
import { type SignalConditions, signalConditionsSchema } from "./signal_conditions.ts";
import { privateSourceSchema } from "./signal.ts";
import { accountNameSchema } from "./account_name.ts";
import { pipelineConfigSchema } from "./steps.ts";
import { tickerSchema } from "./ticker.ts";

/** What starts a pipeline's runs (manual runs aside): a matching signal, or its schedule. */
export const TRIGGER_MODES = ["signal", "periodic"] as const;
export const triggerModeSchema = z.enum(TRIGGER_MODES, {
  error: 'must be "signal" or "periodic"',
});
export type TriggerMode = z.infer<typeof triggerModeSchema>;

/** skip: never a second active run (the seed's); buffer_one: one more queued; allow: no guard. */
export const OVERLAP_POLICIES = ["skip", "buffer_one", "allow"] as const;
export const overlapPolicySchema = z.enum(OVERLAP_POLICIES, {
  error: 'must be "skip", "buffer_one" or "allow"',
});
export type OverlapPolicy = z.infer<typeof overlapPolicySchema>;

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

/** Which signals may trigger a pipeline: the signal conditions, also the signal_gate's. */
export const signalFilterSchema = signalConditionsSchema;
export type SignalFilter = SignalConditions;

/**
 * k of n named sources (a private source `webhook:<id>`/`scanner:<id>`, or a public scanner's
 * name) agreeing on the direction for one ticker within `within_seconds`, optionally in the
 * listed order (services/dispatcher/confluence.ts).
 */
export const confluenceSchema = z.object({
  k: z.number().int().min(1),
  of: z.array(z.string().min(1).max(64)).min(1).max(10)
    .refine((names) => new Set(names).size === names.length, "must not repeat a source"),
  within_seconds: z.number().int().min(1).max(30 * 24 * 3600),
  ordered: z.boolean().default(false),
}).strict().refine((c) => c.k <= c.of.length, {
  path: ["k"],
  message: 'must be at most the number of sources in "of"',
});
export type Confluence = z.infer<typeof confluenceSchema>;

/**
 * Which signals a signal pipeline hears: public ones (default true) and which of its owner's
 * private sources ("all", the default, or a list). Null on the pipeline means both defaults.
 * With `confluence`, a pipeline fires only when k of its named sources agree.
 */
export const listenToSchema = z.object({
  public: z.boolean().default(true),
  sources: z.union([z.literal("all"), z.array(privateSourceSchema).max(100)], {
    error: 'must be "all" or a list of "webhook:<id>" / "scanner:<id>"',
  }).default("all"),
  confluence: confluenceSchema.optional(),
}).strict();
export type ListenTo = z.infer<typeof listenToSchema>;

/** Largest `max_signal_age_seconds`: 30 days. */
const MAX_SIGNAL_AGE_SECONDS = 30 * 24 * 3600;

/**
 * A pipeline as stored (one row of `pipelines`), with the rules every stored pipeline obeys field
 * by field. Rules across fields, defaults and the ticker cap are the request schemas' (see
 * pipeline_request.ts); the steps' agents are checked against a registry there.
 */
export const pipelineSchema = z.object({
  id: z.uuid(),
  owner_id: z.uuid(),
  name: z.string().trim().min(1, "must not be empty").max(200),
  description: z.string().max(5000),
  trigger_mode: triggerModeSchema,
  scanner_tickers: z.array(tickerSchema),
  config: pipelineConfigSchema,
  is_active: z.boolean(),
  schedule: z.union(scheduleSchema.options, {
    error: 'must be {"every_seconds": N} with N ≥ 10, or {"cron": "<expression>"}',
  }).nullable(),
  overlap_policy: overlapPolicySchema,
  signal_filter: signalFilterSchema.nullable(),
  max_signal_age_seconds: z.number().int().min(1).max(MAX_SIGNAL_AGE_SECONDS).nullable(),
  listen_to: listenToSchema.nullable(),
  max_attempts: z.number().int().min(1).max(100),
  /** Paper account of the trading steps; null: the pipeline's own (`pipeline-<id>`). */
  account: accountNameSchema.nullable(),
  created_at: z.date(),
  updated_at: z.date(),
});
export type Pipeline = z.infer<typeof pipelineSchema>;

/** What the API announces on every pipeline change (NOTIFY payload). */
export const pipelineChangeSchema = rowChangeSchema;
export type PipelineChange = RowChange;
