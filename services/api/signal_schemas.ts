/** Schemas of the signal log's answers: signals, their origin, and per-pipeline decisions. */
import { z } from "@hono/zod-openapi";
import { SIGNAL_TYPES } from "../../shared/schemas/signal.ts";
import { executionSchema } from "./api_schemas.ts";
import { DECISIONS, FILTER_CONDITIONS } from "./signal_decisions.ts";

const timestamp = z.string().openapi({ format: "date-time", example: "2025-01-02T15:04:05.000Z" });

export const signalSchema = z.object({
  signal_id: z.string().openapi({
    description: "The producer's signal_id, or `kafka:topic:partition:offset:index`",
  }),
  ticker: z.string().nullable(),
  direction: z.enum(SIGNAL_TYPES).nullable(),
  confidence: z.number().nullable(),
  scanner: z.string().nullable(),
  bar_date: z.string().nullable().openapi({ format: "date" }),
  price: z.number().nullable(),
  emitted_at: timestamp.nullable()
    .openapi({ description: "The signal's emitted_at, else its Kafka message timestamp" }),
  received_at: timestamp.openapi({ description: "When the dispatcher received it" }),
  origin: z.object({
    topic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
    index: z.number().int().openapi({ description: "Position in the message's `tickers`" }),
  }),
  rejected: z.object({ reason: z.string(), error: z.string().nullable() }).nullable()
    .openapi({ description: "Why the dispatcher rejected the message; null when accepted" }),
}).openapi("Signal");

export const signalPageSchema = z.object({
  items: z.array(signalSchema),
  next_cursor: z.string().nullable(),
}).openapi("SignalPage");

export const decisionSchema = z.object({
  signal_id: z.string(),
  pipeline_id: z.uuid(),
  pipeline_name: z.string(),
  decision: z.enum(DECISIONS),
  condition: z.enum(FILTER_CONDITIONS).nullable()
    .openapi({
      description: "For `filtered`: the signal_filter condition that failed, or `source` " +
        "(not one of the confluence's sources)",
    }),
  age_seconds: z.number().nullable()
    .openapi({ description: "The signal's age when decided (emitted → decided)" }),
  max_signal_age_seconds: z.number().int().nullable()
    .openapi({ description: "For `stale`: the pipeline's limit" }),
  execution_id: z.uuid().nullable().openapi({ description: "For `claimed`" }),
  busy_execution_id: z.uuid().nullable()
    .openapi({ description: "For `skipped_busy`: the run that held the pipeline's slot" }),
  decided_at: timestamp,
}).openapi("Decision");

export const paperOrderSummarySchema = z.object({
  id: z.uuid(),
  step_id: z.string().nullable(),
  ticker: z.string(),
  side: z.enum(["buy", "sell"]),
  quantity: z.string(),
  fill_price: z.string().nullable(),
  status: z.enum(["filled", "rejected"]),
  reject_reason: z.string().nullable(),
}).openapi("PaperOrderSummary");

export const signalDetailSchema = z.object({
  signal: signalSchema,
  decisions: z.array(decisionSchema.extend({
    execution: executionSchema.extend({ orders: z.array(paperOrderSummarySchema) }).nullable(),
  })).openapi({ description: "One per pipeline of the caller the signal reached" }),
}).openapi("SignalDetail");

export const decisionPageSchema = z.object({
  items: z.array(decisionSchema),
  next_cursor: z.string().nullable(),
}).openapi("DecisionPage");

const query = (name: string) => ({ param: { name, in: "query" as const } });

/** `from` and `to` (received time) of signal queries. */
export const timeRangeShape = {
  from: z.iso.datetime({ offset: true }).optional()
    .openapi({ ...query("from"), description: "Received at or after (ISO 8601)" }),
  to: z.iso.datetime({ offset: true }).optional()
    .openapi({ ...query("to"), description: "Received before (ISO 8601)" }),
};
