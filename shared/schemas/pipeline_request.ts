/**
 * Request bodies of the pipelines API, derived from the pipeline record schema so the API accepts
 * exactly what the dispatcher, scheduler and worker understand.
 */
import { z } from "../zod.ts";
import { pipelineSchema } from "./pipeline.ts";
import { tickerSignalSchema } from "./signal.ts";
import { type AgentParamsByName, pipelineConfigSchemaFor } from "./steps.ts";
import { tickerSchema } from "./ticker.ts";

/** Options of {@linkcode pipelineBodySchemas}. */
export interface PipelineBodyOptions {
  /** The agents steps may name, each with its params schema (the API passes the registry). */
  agents: AgentParamsByName;
  /** Most entries `scanner_tickers` may have (API_MAX_TICKERS); default 500. */
  maxTickers?: number;
}

/** Tickers trimmed, upper-cased and de-duplicated in their first order; at most `max` entries. */
export function tickerListSchema(max: number) {
  return z.array(tickerSchema).max(max, `must have at most ${max} tickers`)
    .transform((tickers) => [...new Set(tickers)]);
}

/** The fields a client writes: every stored field but the ids and the timestamps. */
export const pipelineBodySchema = pipelineSchema.omit({
  id: true,
  owner_id: true,
  created_at: true,
  updated_at: true,
});
/** A complete pipeline as a client sends it (POST and PUT), defaults applied. */
export type PipelineBody = z.infer<typeof pipelineBodySchema>;

/** The written fields, in column order. */
export const PIPELINE_BODY_FIELDS = Object.keys(pipelineBodySchema.shape) as (keyof PipelineBody)[];

/** The written fields of `pipeline` (e.g. of a stored row, to merge a patch into). */
export function pipelineBodyOf(pipeline: PipelineBody): PipelineBody {
  return Object.fromEntries(PIPELINE_BODY_FIELDS.map((k) => [k, pipeline[k]])) as PipelineBody;
}

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
export function pipelineBodySchemas(options: PipelineBodyOptions) {
  const fields = pipelineBodySchema.extend({
    scanner_tickers: tickerListSchema(options.maxTickers ?? 500),
    config: pipelineConfigSchemaFor(options.agents),
  }).shape;
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
    listen_to: fields.listen_to.default(null),
    max_attempts: fields.max_attempts.default(3),
    account: fields.account.default(null),
  }).strict().superRefine(checkTriggerRules);
  const patch = z.object(fields).partial().strict();
  return { create, patch, run: manualRunSchema };
}

/** Body of a manual run: optionally the signal to hand to the steps (e.g. to replay one). */
export const manualRunSchema = z.object({ signal: tickerSignalSchema.optional() }).strict();
export type ManualRun = z.infer<typeof manualRunSchema>;
