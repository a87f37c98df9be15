/**
 * `GET /dead-letters`: messages the dispatcher rejected (from the signal log) and jobs the
 * workers dead-lettered (the Redis dead-letter stream), with their reasons. Admins
 * (API_ADMIN_EMAILS) see everything; other users only the jobs of their own pipelines, since a
 * rejected message belongs to no one. Mounted at /api/v1 behind bearer auth.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { splitList } from "../../shared/config.ts";
import { firstDelivery } from "../../shared/signal_log/first_delivery.ts";
import type { ApiDeps } from "./api_env.ts";
import { createRouter, errorResponses, jsonResponse } from "./openapi_route.ts";
import { signalSchema } from "./signal_schemas.ts";
import { signalJson } from "./signal_routes.ts";
import type { SignalRow } from "./signal_store.ts";

/** Dead-letter stream entries scanned per request, newest first. */
const STREAM_SCAN = 1000;

export const deadLettersSchema = z.object({
  admin: z.boolean().openapi({ description: "Whether the caller sees every dead letter" }),
  rejected_messages: z.array(signalSchema)
    .openapi({ description: "Admins only; `rejected` holds the reason" }),
  failed_jobs: z.array(z.object({
    entry_id: z.string(),
    execution_id: z.string().nullable(),
    pipeline_id: z.string().nullable(),
    reason: z.string(),
    failed_at: z.string().nullable(),
  })),
}).openapi("DeadLetters");

/** The fields of a dead letter this route reads; any may be missing from a malformed job. */
type LetterFields = Partial<
  Record<"execution_id" | "pipeline_id" | "reason" | "failed_at", string>
>;

/** Flat XRANGE fields → record. */
function record(fields: string[]): LetterFields {
  const r: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) r[fields[i]!] = fields[i + 1]!;
  return r;
}

/** The dead-letter route. */
export function deadLetterRoutes(deps: ApiDeps) {
  const { sql, redis, names } = deps;
  const admins = new Set(splitList(deps.config.API_ADMIN_EMAILS).map((e) => e.toLowerCase()));
  return createRouter().openapi(
    createRoute({
      method: "get",
      path: "/dead-letters",
      tags: ["signals"],
      summary: "Rejected signal messages (admins) and dead-lettered jobs (yours), newest first",
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(50)
            .openapi({ param: { name: "limit", in: "query" } }),
        }),
      },
      responses: { 200: jsonResponse(deadLettersSchema, "Dead letters"), ...errorResponses(401) },
    }),
    async (c) => {
      const { limit } = c.req.valid("query");
      const userId = c.get("userId");
      const [user] = await sql<{ email: string }[]>`select email from users where id = ${userId}`;
      const admin = admins.has(user?.email.toLowerCase() ?? "");
      const rejected = admin
        ? await sql<SignalRow[]>`
          select signal_id, ticker, direction, confidence, scanner, bar_date::text, price, topic,
            partition, kafka_offset::text, signal_index, emitted_at, received_at, decided_at,
            logged_at, reject_reason, error, received_at::text as sort_key
          from signal_log where reject_reason is not null and ${firstDelivery(sql)}
          order by received_at desc limit ${limit}`
        : [];
      const entries = await redis.xrevrange(names.deadLetterStream, "+", "-", "COUNT", STREAM_SCAN);
      const letters = entries.map(([entryId, fields]) => ({ entryId, ...record(fields) }));
      let visible = letters;
      if (!admin) {
        const ids = [
          ...new Set(
            letters.flatMap((l) => l.pipeline_id?.match(/^[0-9a-f-]{36}$/i) ? [l.pipeline_id] : []),
          ),
        ];
        const own = ids.length === 0 ? [] : await sql<{ id: string }[]>`
          select id from pipelines where owner_id = ${userId} and id = any(${ids}::uuid[])`;
        const mine = new Set(own.map((p) => p.id));
        visible = letters.filter((l) => l.pipeline_id !== undefined && mine.has(l.pipeline_id));
      }
      return c.json({
        admin,
        rejected_messages: rejected.map(signalJson),
        failed_jobs: visible.slice(0, limit).map((l) => ({
          entry_id: l.entryId,
          execution_id: l.execution_id ?? null,
          pipeline_id: l.pipeline_id ?? null,
          reason: l.reason ?? "",
          failed_at: l.failed_at ?? null,
        })),
      }, 200);
    },
  );
}
