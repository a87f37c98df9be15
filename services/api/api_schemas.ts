/**
 * Schemas of the API's answers (and the auth bodies), as documented in /api/v1/openapi.json.
 * Pipeline request bodies live in shared/schemas/pipeline_request.ts.
 */
import { z } from "@hono/zod-openapi";
import { executionSchema as executionRecordSchema } from "../../shared/schemas/execution.ts";
import { pipelineSchema as pipelineRecordSchema } from "../../shared/schemas/pipeline.ts";
// The dispatcher owns the reasons it counts; the API only reads them back.
import { DISPATCH_REASONS } from "../../shared/dispatch_stats.ts";

const timestamp = z.string().openapi({ format: "date-time", example: "2025-01-02T15:04:05.000Z" });

/** Register and login body. */
export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email("must be an email address")),
  password: z.string().min(8, "must be at least 8 characters").max(1024),
}).strict().openapi("Credentials");

export const userSchema = z.object({ id: z.uuid(), email: z.string() }).openapi("User");

export const tokenSchema = z.object({
  token: z.string().openapi({ description: "Send as `Authorization: Bearer <token>`" }),
  expires_at: timestamp,
}).openapi("Token");

/** A stored pipeline as the API shows it: the record with its timestamps in ISO 8601. */
export const pipelineSchema = pipelineRecordSchema.extend({
  created_at: timestamp,
  updated_at: timestamp,
}).openapi("Pipeline");

export const pipelinePageSchema = z.object({
  items: z.array(pipelineSchema),
  next_cursor: z.string().nullable().openapi({ description: "Pass as `cursor`; null at the end" }),
}).openapi("PipelinePage");

/** An execution as the API shows it: the record with its timestamps grouped, in ISO 8601. */
export const executionSchema = executionRecordSchema.omit({
  signal_emitted_at: true,
  received_at: true,
  queued_at: true,
  started_at: true,
  finished_at: true,
}).extend({
  signal: executionRecordSchema.shape.signal
    .openapi({ description: "The triggering signal's metadata" }),
  steps: executionRecordSchema.shape.steps.openapi({ description: "Per-step results, in order" }),
  reason: z.string().nullable().openapi({
    description: "Why a `rejected` run's trade was refused, or what halted a `skipped` one " +
      "(the step's reason, also in `result.halted`)",
  }),
  timings: z.object({
    signal_emitted_at: timestamp.nullable(),
    received_at: timestamp.nullable(),
    queued_at: timestamp,
    started_at: timestamp.nullable(),
    finished_at: timestamp.nullable(),
  }),
}).openapi("Execution");

/** An execution in a list's default view: its steps without their outputs, and no result. */
export const executionSummarySchema = executionSchema.omit({ result: true }).extend({
  steps: z.array(z.record(z.string(), z.unknown())).openapi({
    description: "Per-step status, duration and error, in order; outputs are in `?view=full`",
  }),
}).openapi("ExecutionSummary");

export const executionPageSchema = z.object({
  items: z.array(z.union([executionSummarySchema, executionSchema])),
  next_cursor: z.string().nullable(),
}).openapi("ExecutionPage");

/** `view` of a list of executions: "compact" (the default) or "full". */
export const executionViewQuery = {
  view: z.enum(["compact", "full"]).default("compact").openapi({
    description: "`compact` leaves out step outputs and results; `full` has everything",
  }),
};

export const dispatchStatsSchema = z.object({
  pipeline_id: z.uuid(),
  counts: z.object(
    Object.fromEntries(DISPATCH_REASONS.map((r) => [r, z.number().int()])) as Record<
      (typeof DISPATCH_REASONS)[number],
      z.ZodNumber
    >,
  ),
}).openapi("DispatchStats");

/** Path parameter `{id}`; a non-uuid answers 404 like any unknown id. */
export const idParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
});

/** `limit` and `cursor` of paginated lists. */
export const pageQueryShape = {
  limit: z.coerce.number().int().min(1).max(200).default(50)
    .openapi({ param: { name: "limit", in: "query" }, example: 50 }),
  cursor: z.string().max(200).optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "From `next_cursor`" }),
};
