/**
 * Request bodies of the pipelines API, built from the shared pipeline, ticker and step schemas so
 * the API accepts exactly what the dispatcher, scheduler and worker understand.
 */
import { z } from "zod";
import { OVERLAP_POLICIES, scheduleSchema, signalFilterSchema, TRIGGER_MODES } from "./pipeline.ts";
import { tickerSignalSchema } from "./signal.ts";
import { pipelineConfigSchema } from "./steps.ts";
import { tickerSchema } from "./ticker.ts";

/** Options of {@linkcode pipelineBodySchemas}. */
export interface PipelineBodyOptions {
  /** Most entries `scanner_tickers` may have (API_MAX_TICKERS); default 500. */
  maxTickers?: number;
}

/** Largest `max_signal_age_seconds`: 30 days. */
const MAX_SIGNAL_AGE_SECONDS = 30 * 24 * 3600;

/** Tickers trimmed, upper-cased and de-duplicated in their first order; at most `max` entries. */
export function tickerListSchema(max: number) {
  return z.array(tickerSchema).max(max, `must have at most ${max} tickers`)
    .transform((tickers) => [...new Set(tickers)]);
}

function pipelineFields(maxTickers: number) {
  return {
    name: z.string().trim().min(1, "must not be empty").max(200),
    description: z.string().max(5000),
    trigger_mode: z.enum(TRIGGER_MODES, { error: 'must be "signal" or "periodic"' }),
    scanner_tickers: tickerListSchema(maxTickers),
    config: pipelineConfigSchema,
    is_active: z.boolean(),
    schedule: z.union(scheduleSchema.options, {
      error: 'must be {"every_seconds": N} with N ≥ 10, or {"cron": "<expression>"}',
    }).nullable(),
    overlap_policy: z.enum(OVERLAP_POLICIES, {
      error: 'must be "skip", "buffer_one" or "allow"',
    }),
    signal_filter: signalFilterSchema.nullable(),
    max_signal_age_seconds: z.number().int().min(1).max(MAX_SIGNAL_AGE_SECONDS).nullable(),
    max_attempts: z.number().int().min(1).max(100),
  };
}

/** A complete pipeline as a client sends it (POST and PUT), defaults applied. */
export type PipelineBody = {
  name: string;
  description: string;
  trigger_mode: (typeof TRIGGER_MODES)[number];
  scanner_tickers: string[];
  config: z.infer<typeof pipelineConfigSchema>;
  is_active: boolean;
  schedule: z.infer<typeof scheduleSchema> | null;
  overlap_policy: (typeof OVERLAP_POLICIES)[number];
  signal_filter: z.infer<typeof signalFilterSchema> | null;
  max_signal_age_seconds: number | null;
  max_attempts: number;
};

/** Rules that span fields; they hold for every stored pipeline. */
function checkTriggerRules(body: PipelineBody, ctx: z.RefinementCtx): void {
  if (body.trigger_mode === "signal" && body.scanner_tickers.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["scanner_tickers"],
      message: 'must name at least one ticker when trigger_mode is "signal"',
    });
  }
  if (body.trigger_mode === "periodic" && body.schedule === null) {
    ctx.addIssue({
      code: "custom",
      path: ["schedule"],
      message: 'is required when trigger_mode is "periodic"',
    });
  }
  if (body.trigger_mode === "signal" && body.schedule !== null) {
    ctx.addIssue({
      code: "custom",
      path: ["schedule"],
      message: 'must be null when trigger_mode is "signal" (only periodic pipelines run on one)',
    });
  }
}

/**
 * The body schemas: `create` (POST, PUT: the seed's body as written, every other field defaulted),
 * `patch` (PATCH: any subset, no defaults; merge it with the stored pipeline and parse the result
 * with `create` so cross-field rules hold), and `run` (manual trigger, optional signal).
 */
export function pipelineBodySchemas(options: PipelineBodyOptions = {}) {
  const fields = pipelineFields(options.maxTickers ?? 500);
  const create = z.object({
    ...fields,
    description: fields.description.default(""),
    scanner_tickers: fields.scanner_tickers.default([]),
    config: fields.config.default({ steps: [] }),
    is_active: fields.is_active.default(true),
    schedule: fields.schedule.default(null),
    overlap_policy: fields.overlap_policy.default("skip"),
    signal_filter: fields.signal_filter.default(null),
    max_signal_age_seconds: fields.max_signal_age_seconds.default(null),
    max_attempts: fields.max_attempts.default(3),
  }).strict().superRefine(checkTriggerRules);
  const patch = z.object(fields).partial().strict();
  return { create, patch, run: manualRunSchema };
}

/** Body of a manual run: optionally the signal to hand to the steps (e.g. to replay one). */
export const manualRunSchema = z.object({ signal: tickerSignalSchema.optional() }).strict();
export type ManualRun = z.infer<typeof manualRunSchema>;
