/**
 * `/api/v1/scanners`: a user's expression scanners. An expression is checked when it is stored
 * (422 naming the column and what was expected, or the unknown function or name), and can be
 * previewed on the stored bars before it is enabled.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createScannerStore } from "../../shared/expressions/user_scanner_store.ts";
import {
  MAX_SCANNERS_PER_USER,
  scannerSource,
  type UserScanner,
  userScannerBodySchema,
} from "../../shared/schemas/user_scanner.ts";
import type { ApiDeps } from "./api_env.ts";
import { notFound } from "./api_error.ts";
import { idParamSchema } from "./api_schemas.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi_route.ts";
import {
  actionRoute,
  createOneRoute,
  deleteOne,
  listAllRoute,
  oneRoute,
  userLimit,
} from "./owned_routes.ts";
import { previewScanner } from "./scanner_preview.ts";

const scannerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  source: z.string().openapi({ description: "The name pipelines list in `listen_to.sources`" }),
  tickers: z.array(z.string()),
  expression: z.string(),
  direction: z.enum(["BULLISH", "BEARISH"]),
  confidence: z.number(),
  is_active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("Scanner");

const previewSchema = z.object({
  bars: z.number().int().openapi({ description: "Stored bars scanned, all tickers" }),
  fires: z.array(z.object({ ticker: z.string(), date: z.string(), price: z.number() })),
}).openapi("ScannerPreview");

const bodySchema = userScannerBodySchema.openapi("ScannerCreate", {
  description: "e.g. crossover(sma(close, 50), sma(close, 200))",
});

const tags = ["scanners"];

function scannerJson(row: UserScanner): z.infer<typeof scannerSchema> {
  const { owner_id: _owner, created_at, updated_at, ...fields } = row;
  return {
    ...fields,
    source: scannerSource(row.id),
    created_at: created_at.toISOString(),
    updated_at: updated_at.toISOString(),
  };
}

/** The scanner routes, mounted at /api/v1/scanners behind bearer auth. */
export function scannerRoutes(deps: ApiDeps) {
  const store = createScannerStore(deps.sql);
  const own = async (ownerId: string, id: string) => {
    const row = await store.get(ownerId, id);
    if (!row) throw notFound("Scanner", id);
    return row;
  };
  return createRouter()
    .openapi(
      createOneRoute(
        tags,
        "Create an expression scanner",
        bodySchema,
        scannerSchema,
        "The stored scanner",
      ),
      async (c) => {
        const userId = c.get("userId");
        const cap = userLimit(MAX_SCANNERS_PER_USER, "scanners");
        return c.json(scannerJson(await store.create(userId, c.req.valid("json"), cap)), 201);
      },
    )
    .openapi(
      listAllRoute(tags, "List your scanners", scannerSchema, "Every scanner"),
      async (c) => c.json({ items: (await store.list(c.get("userId"))).map(scannerJson) }, 200),
    )
    .openapi(
      oneRoute(tags, "Read a scanner", scannerSchema, "The scanner"),
      async (c) => c.json(scannerJson(await own(c.get("userId"), c.req.valid("param").id)), 200),
    )
    .openapi(
      createRoute({
        method: "put",
        path: "/{id}",
        tags,
        summary: "Replace a scanner (e.g. is_active to enable or pause it)",
        request: { params: idParamSchema, body: jsonBody(bodySchema) },
        responses: {
          200: jsonResponse(scannerSchema, "The stored scanner"),
          ...errorResponses(401, 404, 413, 415, 422),
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const row = await store.update(c.get("userId"), id, c.req.valid("json"));
        if (!row) throw notFound("Scanner", id);
        return c.json(scannerJson(row), 200);
      },
    )
    .openapi(...deleteOne(tags, "Delete a scanner", "Scanner", store.remove))
    .openapi(
      actionRoute(
        "/{id}/preview",
        tags,
        "The dates the scanner would have fired on the stored bars",
        previewSchema,
        "Every fire, oldest first per ticker",
      ),
      async (c) => {
        const scanner = await own(c.get("userId"), c.req.valid("param").id);
        return c.json(await previewScanner(deps.sql, scanner), 200);
      },
    );
}
