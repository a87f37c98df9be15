/**
 * The signal log: `/signals` (every user sees the signals), `/signals/{signal_id}` (a signal,
 * where it came from, and what happened to it in each of the caller's pipelines, down to the
 * execution and its orders) and `/pipelines/{id}/decisions`. Mounted at /api/v1 behind bearer
 * auth.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { SIGNAL_TYPES } from "../../shared/schemas/signal.ts";
import { tickerSchema } from "../../shared/schemas/ticker.ts";
import type { ApiDeps } from "./api_env.ts";
import { notFound } from "./api_error.ts";
import { idParamSchema, pageQueryShape } from "./api_schemas.ts";
import { executionJson } from "./execution_routes.ts";
import { createExecutionStore } from "./execution_store.ts";
import { createRouter, errorResponses, jsonResponse } from "./openapi_route.ts";
import { cursorParam, encodeCursor } from "./page_cursor.ts";
import { createPipelineStore } from "./pipeline_store.ts";
import type { DecisionRow } from "./signal_decisions.ts";
import {
  decisionPageSchema,
  decisionSchema,
  signalDetailSchema,
  signalPageSchema,
  signalSchema,
  timeRangeShape,
} from "./signal_schemas.ts";
import { createSignalStore, type SignalRow } from "./signal_store.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;
const anyId = (id: string) => id.length > 0 && id.length <= 200;

/** A signal log row as the API shows it. */
export function signalJson(row: SignalRow): z.infer<typeof signalSchema> {
  return {
    signal_id: row.signal_id,
    ticker: row.ticker,
    direction: row.direction as z.infer<typeof signalSchema>["direction"],
    confidence: row.confidence,
    scanner: row.scanner,
    bar_date: row.bar_date,
    price: row.price,
    emitted_at: iso(row.emitted_at),
    received_at: row.received_at.toISOString(),
    origin: {
      topic: row.topic,
      partition: row.partition,
      offset: row.kafka_offset,
      index: row.signal_index,
    },
    rejected: row.reject_reason ? { reason: row.reject_reason, error: row.error } : null,
  };
}

/** A derived decision as the API shows it. */
export function decisionJson(row: DecisionRow): z.infer<typeof decisionSchema> {
  return {
    signal_id: row.signal_id,
    pipeline_id: row.pipeline_id,
    pipeline_name: row.pipeline_name,
    decision: row.decision,
    condition: row.condition,
    age_seconds: row.age_seconds,
    max_signal_age_seconds: row.decision === "stale" ? row.max_signal_age_seconds : null,
    execution_id: row.execution_id,
    busy_execution_id: row.busy_execution_id,
    decided_at: row.decided_at.toISOString(),
  };
}

const listQuerySchema = z.object({
  ...pageQueryShape,
  ticker: tickerSchema.optional().openapi({ param: { name: "ticker", in: "query" } }),
  scanner: z.string().min(1).max(64).optional()
    .openapi({ param: { name: "scanner", in: "query" } }),
  direction: z.enum(SIGNAL_TYPES).optional()
    .openapi({ param: { name: "direction", in: "query" } }),
  ...timeRangeShape,
});

const signalIdParamSchema = z.object({
  signal_id: z.string().min(1).max(200).openapi({
    param: { name: "signal_id", in: "path" },
    example: "kafka:trading-signals:0:42:0",
  }),
});

const tags = ["signals"];

/** The signal routes. */
export function signalRoutes(deps: ApiDeps) {
  const signals = createSignalStore(deps.sql);
  const executions = createExecutionStore(deps.sql);
  const pipelines = createPipelineStore(deps.sql);

  return createRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/signals",
        tags,
        summary: "Signals the dispatcher consumed, newest first",
        request: { query: listQuerySchema },
        responses: {
          200: jsonResponse(signalPageSchema, "One page"),
          ...errorResponses(400, 401),
        },
      }),
      async (c) => {
        const { limit, cursor, ...filters } = c.req.valid("query");
        const rows = await signals.list(c.get("userId"), filters, {
          limit,
          after: cursorParam(cursor, anyId),
        });
        const last = rows.at(-1);
        return c.json({
          items: rows.map(signalJson),
          next_cursor: last && rows.length === limit
            ? encodeCursor({ at: last.sort_key, id: last.signal_id })
            : null,
        }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/signals/{signal_id}",
        tags,
        summary: "One signal: where it came from, and what each of your pipelines did with it",
        description: "Decisions are those of the caller's pipelines only: `claimed` (with the " +
          "execution and its orders), `skipped_busy` (with the run holding the slot), " +
          "`filtered` (naming the condition), `stale` (age and limit) or `no_quorum` (kept by a " +
          "confluence that did not fire with it; a fire refused as busy is `skipped_busy`). Pipelines whose listen_to does not hear the " +
          "signal have no decision.",
        request: { params: signalIdParamSchema },
        responses: {
          200: jsonResponse(signalDetailSchema, "The signal and the caller's decisions"),
          ...errorResponses(401, 404),
        },
      }),
      async (c) => {
        const { signal_id: signalId } = c.req.valid("param");
        const userId = c.get("userId");
        const signal = await signals.get(userId, signalId);
        if (!signal) throw notFound("Signal", signalId);
        const decisions = await signals.decisionsOn(userId, signalId);
        const executionIds = decisions.flatMap((d) => d.execution_id ? [d.execution_id] : []);
        const [rows, orders] = await Promise.all([
          Promise.all(executionIds.map((id) => executions.get(userId, id))),
          signals.ordersOf(executionIds),
        ]);
        const byId = new Map(rows.flatMap((r) => r ? [[r.id, r]] : []));
        return c.json({
          signal: signalJson(signal),
          decisions: decisions.map((d) => {
            const row = d.execution_id ? byId.get(d.execution_id) : undefined;
            return {
              ...decisionJson(d),
              execution: row
                ? {
                  ...executionJson(row),
                  orders: orders.filter((o) => o.execution_id === row.id).map((
                    { execution_id: _e, ...o },
                  ) => o),
                }
                : null,
            };
          }),
        }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/pipelines/{id}/decisions",
        tags,
        summary: "A pipeline's decisions on recent signals for its tickers, newest first",
        request: { params: idParamSchema, query: z.object(pageQueryShape) },
        responses: {
          200: jsonResponse(decisionPageSchema, "One page"),
          ...errorResponses(400, 401, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const { limit, cursor } = c.req.valid("query");
        const userId = c.get("userId");
        if (!await pipelines.get(userId, id)) throw notFound("Pipeline", id);
        const rows = await signals.decisionsOf(userId, id, {
          limit,
          after: cursorParam(cursor, anyId),
        });
        const last = rows.at(-1);
        return c.json({
          items: rows.flatMap((r) => r.pipeline_id ? [decisionJson(r as DecisionRow)] : []),
          next_cursor: last && rows.length === limit
            ? encodeCursor({ at: last.sort_key, id: last.signal_id })
            : null,
        }, 200);
      },
    );
}
