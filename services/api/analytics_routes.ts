/**
 * `/analytics/*`: the funnel, latency per stage and signal quality, computed on read from the
 * signal log, the pipeline version history and the executions. Owner-scoped: decisions and
 * executions are the caller's only. Mounted at /api/v1 behind bearer auth.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "./api_env.ts";
import {
  createAnalyticsStore,
  FUNNEL_GROUPS,
  LATENCY_STAGES,
  type TimeRange,
} from "./analytics_store.ts";
import { createRouter, errorResponses, jsonResponse } from "./openapi_route.ts";
import { timeRangeShape } from "./signal_schemas.ts";

const DAY_MS = 86_400_000;

/** The range asked for; default the last 24 hours. */
function rangeOf(query: { from?: string | undefined; to?: string | undefined }): TimeRange {
  const to = query.to ?? new Date().toISOString();
  return { from: query.from ?? new Date(Date.parse(to) - DAY_MS).toISOString(), to };
}

const count = z.number().int();
export const funnelSchema = z.object({
  from: z.string(),
  to: z.string(),
  group_by: z.enum(FUNNEL_GROUPS),
  groups: z.array(z.object({
    key: z.string().nullable()
      .openapi({ description: "Pipeline id, scanner, ticker or direction (null: none)" }),
    name: z.string().nullable().openapi({ description: "The pipeline's name" }),
    signals: count.openapi({
      description: "Distinct signals in the group (with `pipeline`: " +
        "those that reached it)",
    }),
    matched: count,
    filtered: count,
    filtered_by: z.object({
      signal_type: count,
      min_confidence: count,
      max_confidence: count,
      scanner: count,
      source: count,
    }),
    stale: count,
    no_quorum: count.openapi({
      description: "Kept by a confluence pipeline without a run it contributed to",
    }),
    skipped_busy: count,
    claimed: count,
    succeeded: count,
    failed: count,
    rejected: count.openapi({ description: "Runs whose trade was refused" }),
    orders: count,
  })),
}).openapi("Funnel");

const percentiles = z.object({
  samples: count,
  p50_ms: z.number().nullable(),
  p95_ms: z.number().nullable(),
  p99_ms: z.number().nullable(),
});
const stagesSchema = z.object(
  Object.fromEntries(Object.keys(LATENCY_STAGES).map((k) => [k, percentiles])) as Record<
    keyof typeof LATENCY_STAGES,
    typeof percentiles
  >,
).openapi({
  description: "emitted → received (dispatcher), → claimed (execution queued), → started " +
    "(includes the enqueue), → finished",
});
export const latencySchema = z.object({
  from: z.string(),
  to: z.string(),
  overall: stagesSchema,
  pipelines: z.array(z.object({
    pipeline_id: z.uuid(),
    pipeline_name: z.string(),
    stages: stagesSchema,
  })),
}).openapi("Latency");

export const signalQualitySchema = z.object({
  from: z.string(),
  to: z.string(),
  horizon_bars: count,
  rows: z.array(z.object({
    scanner: z.string().nullable(),
    direction: z.string(),
    confidence_from: count.openapi({ description: "Bucket [n, n+10) of confidence" }),
    signals: count,
    resolved: count.openapi({ description: "Signals with `horizon_bars` bars after them" }),
    hit_rate: z.number().nullable()
      .openapi({ description: "Share of resolved signals the price then moved their way" }),
    mean_forward_return: z.number().nullable()
      .openapi({ description: "Mean of close(bar_date + horizon) / close(bar_date) - 1" }),
  })),
}).openapi("SignalQuality");

const tags = ["analytics"];

/** The analytics routes. */
export function analyticsRoutes(deps: ApiDeps) {
  const store = createAnalyticsStore(deps.sql);
  return createRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/analytics/funnel",
        tags,
        summary: "What happened to signals in your pipelines: matched, filtered, stale, busy, " +
          "claimed, outcomes and orders",
        request: {
          query: z.object({
            ...timeRangeShape,
            group_by: z.enum(FUNNEL_GROUPS).default("pipeline")
              .openapi({ param: { name: "group_by", in: "query" } }),
          }),
        },
        responses: { 200: jsonResponse(funnelSchema, "Counts"), ...errorResponses(400, 401) },
      }),
      async (c) => {
        const query = c.req.valid("query");
        const range = rangeOf(query);
        const rows = await store.funnel(c.get("userId"), range, query.group_by);
        return c.json({
          ...range,
          group_by: query.group_by,
          groups: rows.map(({
            filtered_signal_type: signal_type,
            filtered_min_confidence: min_confidence,
            filtered_max_confidence: max_confidence,
            filtered_scanner: scanner,
            filtered_source: source,
            ...row
          }) => ({
            ...row,
            filtered_by: { signal_type, min_confidence, max_confidence, scanner, source },
          })),
        }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/analytics/latency",
        tags,
        summary: "p50, p95 and p99 per stage of your claimed signals, overall and per pipeline",
        request: { query: z.object(timeRangeShape) },
        responses: { 200: jsonResponse(latencySchema, "Percentiles"), ...errorResponses(400, 401) },
      }),
      async (c) => {
        const range = rangeOf(c.req.valid("query"));
        const rows = await store.latency(c.get("userId"), range);
        const overall = rows.find((r) => r.pipeline_id === null);
        const empty = { samples: 0, p50_ms: null, p95_ms: null, p99_ms: null };
        return c.json({
          ...range,
          overall: overall?.stages ??
            Object.fromEntries(Object.keys(LATENCY_STAGES).map((k) => [k, empty])) as never,
          pipelines: rows.flatMap((r) =>
            r.pipeline_id
              ? [{ pipeline_id: r.pipeline_id, pipeline_name: r.pipeline_name!, stages: r.stages }]
              : []
          ),
        }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/analytics/signal-quality",
        tags,
        summary: "Confidence calibration: per scanner, direction and confidence bucket, the hit " +
          "rate and mean forward return after N bars of market_bars",
        request: {
          query: z.object({
            ...timeRangeShape,
            scanner: z.string().min(1).max(64).optional()
              .openapi({ param: { name: "scanner", in: "query" } }),
            horizon_bars: z.coerce.number().int().min(1).max(250).default(5)
              .openapi({ param: { name: "horizon_bars", in: "query" } }),
          }),
        },
        responses: {
          200: jsonResponse(signalQualitySchema, "One row per cell"),
          ...errorResponses(400, 401),
        },
      }),
      async (c) => {
        const query = c.req.valid("query");
        const range = query.from || query.to ? rangeOf(query) : {
          from: new Date(Date.now() - 30 * DAY_MS).toISOString(),
          to: new Date().toISOString(),
        };
        const rows = await store.quality(c.get("userId"), range, {
          scanner: query.scanner,
          horizon: query.horizon_bars,
        });
        return c.json({ ...range, horizon_bars: query.horizon_bars, rows }, 200);
      },
    );
}
