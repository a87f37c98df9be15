/**
 * `/api/v1/signal-sources`: a user's webhook sources. Creating one (or rotating its secret) is the
 * only time the secret is shown; it is stored sealed and never returned or logged again.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { IntakeKeys } from "../../shared/signals/intake_keys.ts";
import type { ApiDeps } from "./api_env.ts";
import { notFound } from "./api_error.ts";
import { idParamSchema } from "./api_schemas.ts";
import { createRouter, errorResponses, jsonResponse } from "./openapi_route.ts";
import { actionRoute, createOneRoute, deleteOne, listAllRoute, oneRoute } from "./owned_routes.ts";
import { sourceSecrets, sourceSettingsSchema, webhookUrl } from "./signal_source_secrets.ts";
import {
  createSignalSourceStore,
  DELIVERY_OUTCOMES,
  type DeliveryRow,
  type SignalSourceRow,
} from "./signal_source_store.ts";

const timestamp = z.string().openapi({ format: "date-time" });

const sourceBodySchema = sourceSettingsSchema.extend({
  max_lag_seconds: sourceSettingsSchema.shape.max_lag_seconds
    .openapi({ description: "Alerts whose `timestamp` is older are rejected as stale" }),
  dedup_window_seconds: sourceSettingsSchema.shape.dedup_window_seconds
    .openapi({ description: "How long a repeated alert_id (or identical content) is a duplicate" }),
}).strict().openapi("SignalSourceCreate");

const sourceSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  source: z.string().openapi({ description: "The name pipelines list in `listen_to.sources`" }),
  url: z.string().openapi({ description: "Where the sender posts its alerts" }),
  max_lag_seconds: z.number().int().nullable(),
  max_per_minute: z.number().int(),
  dedup_window_seconds: z.number().int(),
  created_at: timestamp,
  secret_rotated_at: timestamp,
}).openapi("SignalSource");

const sourceWithSecretSchema = sourceSchema.extend({
  secret: z.string().openapi({ description: "Shown once; put it in the alert as `secret`" }),
}).openapi("SignalSourceWithSecret");

const deliverySchema = z.object({
  id: z.string(),
  received_at: timestamp,
  outcome: z.enum(DELIVERY_OUTCOMES),
  reason: z.string().nullable(),
  signal_id: z.string().nullable(),
  ticker: z.string().nullable(),
  alert_id: z.string().nullable(),
}).openapi("SignalDelivery");

const deliveryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100)
    .openapi({ param: { name: "limit", in: "query" } }),
  before: z.string().regex(/^\d{1,19}$/).optional()
    .openapi({ param: { name: "before", in: "query" }, description: "Deliveries older than id" }),
});

const tags = ["signal sources"];

/** The source routes; `keys` gives the intake's keys (sealing the secrets). */
export function signalSourceRoutes(deps: ApiDeps, keys: () => Promise<IntakeKeys>) {
  const store = createSignalSourceStore(deps.sql);
  const secrets = sourceSecrets(store, keys);
  const json = (row: SignalSourceRow, origin: string): z.infer<typeof sourceSchema> => ({
    id: row.id,
    name: row.name,
    source: `webhook:${row.id}`,
    url: webhookUrl(origin, row.id),
    max_lag_seconds: row.max_lag_seconds,
    max_per_minute: row.max_per_minute,
    dedup_window_seconds: row.dedup_window_seconds,
    created_at: row.created_at.toISOString(),
    secret_rotated_at: row.secret_rotated_at.toISOString(),
  });
  const deliveryJson = (row: DeliveryRow): z.infer<typeof deliverySchema> => ({
    ...row,
    received_at: row.received_at.toISOString(),
  });

  return createRouter()
    .openapi(
      createOneRoute(
        tags,
        "Create a webhook source; its secret is shown only in this answer",
        sourceBodySchema,
        sourceWithSecretSchema,
        "The source, its URL and its secret",
      ),
      async (c) => {
        const { row, secret } = await secrets.create(c.get("userId"), c.req.valid("json"));
        return c.json({ ...json(row, c.get("publicOrigin")), secret }, 201);
      },
    )
    .openapi(
      listAllRoute(tags, "List your webhook sources", sourceSchema, "Every source"),
      async (c) => {
        const rows = await store.list(c.get("userId"));
        return c.json({ items: rows.map((r) => json(r, c.get("publicOrigin"))) }, 200);
      },
    )
    .openapi(
      oneRoute(tags, "Read a webhook source (never its secret)", sourceSchema, "The source"),
      async (c) => {
        const { id } = c.req.valid("param");
        const row = await store.get(c.get("userId"), id);
        if (!row) throw notFound("Signal source", id);
        return c.json(json(row, c.get("publicOrigin")), 200);
      },
    )
    .openapi(
      actionRoute(
        "/{id}/rotate-secret",
        tags,
        "Replace the secret; the old one stops working at once",
        sourceWithSecretSchema,
        "The source with its new secret",
      ),
      async (c) => {
        const { id } = c.req.valid("param");
        const rotated = await secrets.rotate(c.get("userId"), id);
        if (!rotated) throw notFound("Signal source", id);
        return c.json({ ...json(rotated.row, c.get("publicOrigin")), secret: rotated.secret }, 200);
      },
    )
    .openapi(
      ...deleteOne(
        tags,
        "Delete a webhook source and its delivery log",
        "Signal source",
        store.remove,
      ),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/deliveries",
        tags,
        summary: "Every delivery to the source, newest first, with its outcome and reason",
        request: { params: idParamSchema, query: deliveryQuerySchema },
        responses: {
          200: jsonResponse(z.object({ items: z.array(deliverySchema) }), "One page"),
          ...errorResponses(400, 401, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const userId = c.get("userId");
        if (!(await store.get(userId, id))) throw notFound("Signal source", id);
        const { limit, before } = c.req.valid("query");
        const rows = await store.deliveries(userId, id, limit, before ?? null);
        return c.json({ items: rows.map(deliveryJson) }, 200);
      },
    );
}
