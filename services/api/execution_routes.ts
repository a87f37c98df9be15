/**
 * Runs and their history: manual runs through the shared claim rule, a pipeline's executions,
 * one execution, and the dispatcher's decision counts. Mounted at /api/v1 behind bearer auth.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { manualRunSchema } from "../../shared/schemas/pipeline_request.ts";
import { haltReason } from "../../shared/schemas/execution.ts";
import type { ApiDeps } from "./api_env.ts";
import { ApiError, notFound } from "./api_error.ts";
import { DISPATCH_REASONS } from "../../shared/dispatch_stats.ts";
import { dispatchStatsField } from "../../shared/redis_codec.ts";
import {
  dispatchStatsSchema,
  executionPageSchema,
  executionSchema,
  executionSummarySchema,
  executionViewQuery,
  idParamSchema,
  pageQueryShape,
} from "./api_schemas.ts";
import { createExecutionStore, type ExecutionRow } from "./execution_store.ts";
import { manualSignalProblem, runPipelineNow } from "./manual_run.ts";
import { createRouter, errorResponses, jsonResponse } from "./openapi_route.ts";
import { cursorParam, pageOf } from "./page_cursor.ts";
import { createPipelineStore } from "./pipeline_store.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** An execution as the API shows it. */
export function executionJson(row: ExecutionRow): z.infer<typeof executionSchema> {
  return {
    id: row.id,
    pipeline_id: row.pipeline_id,
    status: row.status,
    trigger_kind: row.trigger_kind,
    signal_id: row.signal_id,
    signal: row.signal,
    attempts: row.attempts,
    max_attempts: row.max_attempts,
    steps: row.steps,
    result: row.result ?? null,
    error: row.error,
    reason: haltReason(row.result),
    timings: {
      signal_emitted_at: iso(row.signal_emitted_at),
      received_at: iso(row.received_at),
      queued_at: row.queued_at.toISOString(),
      started_at: iso(row.started_at),
      finished_at: iso(row.finished_at),
    },
  };
}

/** An execution as a list shows it by default: what happened, without what each step returned. */
export function executionSummary(row: ExecutionRow): z.infer<typeof executionSummarySchema> {
  const { result: _, ...rest } = executionJson(row);
  return {
    ...rest,
    steps: row.steps.map((step) => {
      if (step === null || typeof step !== "object") return {};
      const { output: _output, ...summary } = step as Record<string, unknown>;
      return summary;
    }),
  };
}

const tags = ["executions"];

/** The execution routes. */
export function executionRoutes(deps: ApiDeps) {
  const { sql, redis, names } = deps;
  const pipelines = createPipelineStore(sql);
  const executions = createExecutionStore(sql);
  const ownPipeline = async (ownerId: string, id: string) => {
    const pipeline = await pipelines.get(ownerId, id);
    if (!pipeline) throw notFound("Pipeline", id);
    return pipeline;
  };

  return createRouter()
    .openapi(
      createRoute({
        method: "post",
        path: "/pipelines/{id}/run",
        tags,
        summary: "Run a pipeline now, through the same claim rule as signals",
        description: "Only active pipelines run. With overlap_policy `skip` a pipeline that " +
          "already has a queued or running execution answers 409 naming it.",
        request: {
          params: idParamSchema,
          body: {
            required: false,
            content: { "application/json": { schema: manualRunSchema.openapi("ManualRun") } },
          },
        },
        responses: {
          202: jsonResponse(executionSchema, "The queued execution"),
          ...errorResponses(400, 401, 404, 409, 413, 415, 422),
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const signal = c.req.valid("json")?.signal ?? null;
        const pipeline = await ownPipeline(c.get("userId"), id);
        if (!pipeline.is_active) {
          throw new ApiError(409, `Pipeline "${id}" is inactive; activate it to run it`);
        }
        const problem = manualSignalProblem(pipeline, signal);
        if (problem) {
          throw new ApiError(422, problem, [{ path: "signal.ticker", message: problem }]);
        }
        const run = await runPipelineNow(deps, id, signal);
        if (!run.queued) {
          throw new ApiError(
            409,
            run.activeId
              ? `Pipeline "${id}" already has an active execution "${run.activeId}"`
              : `Pipeline "${id}" cannot start now; try again`,
            [],
            { active_execution_id: run.activeId },
          );
        }
        const row = await executions.get(c.get("userId"), run.executionId);
        return c.json(executionJson(row!), 202);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/pipelines/{id}/executions",
        tags,
        summary: "A pipeline's executions, newest first",
        request: {
          params: idParamSchema,
          query: z.object({ ...pageQueryShape, ...executionViewQuery }),
        },
        responses: {
          200: jsonResponse(executionPageSchema, "One page"),
          ...errorResponses(400, 401, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const { limit, cursor, view } = c.req.valid("query");
        await ownPipeline(c.get("userId"), id);
        const rows = await executions.list(id, { limit, after: cursorParam(cursor) });
        const page = view === "full"
          ? pageOf(rows, limit, executionJson)
          : pageOf(rows, limit, executionSummary);
        return c.json(page, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/executions/{id}",
        tags,
        summary: "One execution: status, trigger, signal, timings, attempts, step results, error",
        request: { params: idParamSchema },
        responses: {
          200: jsonResponse(executionSchema, "The execution"),
          ...errorResponses(401, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const row = await executions.get(c.get("userId"), id);
        if (!row) throw notFound("Execution", id);
        return c.json(executionJson(row), 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/pipelines/{id}/dispatch-stats",
        tags,
        summary: "How the dispatcher decided on signals for this pipeline, by reason",
        request: { params: idParamSchema },
        responses: {
          200: jsonResponse(dispatchStatsSchema, "Counts since the counters were created"),
          ...errorResponses(401, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        await ownPipeline(c.get("userId"), id);
        const values = await redis.hmget(
          names.dispatchStats,
          ...DISPATCH_REASONS.map((reason) => dispatchStatsField(id, reason)),
        );
        const counts = Object.fromEntries(
          DISPATCH_REASONS.map((reason, i) => [reason, Number(values[i] ?? 0)]),
        ) as Record<(typeof DISPATCH_REASONS)[number], number>;
        return c.json({ pipeline_id: id, counts }, 200);
      },
    );
}
