/** `/api/v1/pipelines`: create, list, read, replace, patch and delete the caller's pipelines. */
import { createRoute, z } from "@hono/zod-openapi";
import { agentRegistry } from "../../shared/agents/registry.ts";
import { TRIGGER_MODES } from "../../shared/schemas/pipeline.ts";
import {
  type PipelineBody,
  pipelineBodyOf,
  pipelineBodySchemas,
} from "../../shared/schemas/pipeline_request.ts";
import { tickerSchema } from "../../shared/schemas/ticker.ts";
import type { ApiDeps } from "./api_env.ts";
import { notFound, validationError } from "./api_error.ts";
import {
  idParamSchema,
  pageQueryShape,
  pipelinePageSchema,
  pipelineSchema,
} from "./api_schemas.ts";
import { cursorParam, pageOf } from "./page_cursor.ts";
import { createPipelineStore, type PipelineRow } from "./pipeline_store.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi_route.ts";
import { deleteOne, oneRoute } from "./owned_routes.ts";

/** A stored pipeline as the API shows it. */
export function pipelineJson(row: PipelineRow): z.infer<typeof pipelineSchema> {
  const { sort_key: _sortKey, created_at, updated_at, ...fields } = row;
  return {
    ...fields,
    created_at: created_at.toISOString(),
    updated_at: updated_at.toISOString(),
  };
}

const listQuerySchema = z.object({
  ...pageQueryShape,
  trigger_mode: z.enum(TRIGGER_MODES).optional()
    .openapi({ param: { name: "trigger_mode", in: "query" } }),
  is_active: z.enum(["true", "false"]).transform((v) => v === "true").optional()
    .openapi({ param: { name: "is_active", in: "query" } }),
  ticker: tickerSchema.optional()
    .openapi({ param: { name: "ticker", in: "query" }, description: "Pipelines watching it" }),
});

const tags = ["pipelines"];

/** The pipeline routes, mounted at /api/v1/pipelines behind bearer auth. */
export function pipelineRoutes(deps: ApiDeps) {
  const store = createPipelineStore(deps.sql);
  const schemas = pipelineBodySchemas({
    agents: agentRegistry,
    maxTickers: deps.config.API_MAX_TICKERS,
  });
  const createSchema = schemas.create.openapi("PipelineCreate", {
    description: "Fields other than name and trigger_mode are optional and take their defaults",
  });
  const patchSchema = schemas.patch.openapi("PipelinePatch");
  const found = (row: PipelineRow | null, id: string) => {
    if (!row) throw notFound("Pipeline", id);
    return pipelineJson(row);
  };
  // A PATCH is valid when the pipeline it leads to is: cross-field rules see the merged result.
  const merge = (current: PipelineRow, patch: Partial<PipelineBody>): PipelineBody => {
    const parsed = schemas.create.safeParse({ ...pipelineBodyOf(current), ...patch });
    if (!parsed.success) throw validationError("request body", parsed.error);
    return parsed.data;
  };

  return createRouter()
    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags,
        summary: "Create a pipeline",
        request: { body: jsonBody(createSchema) },
        responses: {
          201: jsonResponse(pipelineSchema, "The stored pipeline"),
          ...errorResponses(400, 401, 413, 415, 422),
        },
      }),
      async (c) =>
        c.json(pipelineJson(await store.create(c.get("userId"), c.req.valid("json"))), 201),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags,
        summary: "List pipelines, newest first",
        request: { query: listQuerySchema },
        responses: {
          200: jsonResponse(pipelinePageSchema, "One page"),
          ...errorResponses(400, 401),
        },
      }),
      async (c) => {
        const { cursor, ...filter } = c.req.valid("query");
        const rows = await store.list(c.get("userId"), { ...filter, after: cursorParam(cursor) });
        return c.json(pageOf(rows, filter.limit, pipelineJson), 200);
      },
    )
    .openapi(
      oneRoute(tags, "Read a pipeline", pipelineSchema, "The pipeline"),
      async (c) => {
        const { id } = c.req.valid("param");
        return c.json(found(await store.get(c.get("userId"), id), id), 200);
      },
    )
    .openapi(
      createRoute({
        method: "put",
        path: "/{id}",
        tags,
        summary: "Replace a pipeline (omitted fields take their defaults)",
        request: { params: idParamSchema, body: jsonBody(createSchema) },
        responses: {
          200: jsonResponse(pipelineSchema, "The stored pipeline"),
          ...errorResponses(400, 401, 404, 413, 415, 422),
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const body = c.req.valid("json");
        return c.json(found(await store.update(c.get("userId"), id, () => body), id), 200);
      },
    )
    .openapi(
      createRoute({
        method: "patch",
        path: "/{id}",
        tags,
        summary: "Change some fields (e.g. is_active to activate or pause)",
        request: { params: idParamSchema, body: jsonBody(patchSchema) },
        responses: {
          200: jsonResponse(pipelineSchema, "The stored pipeline"),
          ...errorResponses(400, 401, 404, 413, 415, 422),
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const patch = c.req.valid("json") as Partial<PipelineBody>;
        const row = await store.update(c.get("userId"), id, (current) => merge(current, patch));
        return c.json(found(row, id), 200);
      },
    )
    .openapi(...deleteOne(tags, "Delete a pipeline and its executions", "Pipeline", store.remove));
}
