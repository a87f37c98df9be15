/**
 * `/healthz` (process up) and `/readyz` (Postgres, Redis, Kafka reachable). `/metrics` is not
 * here: main.ts serves it on METRICS_PORT_API, like every service, off the public port.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { errorMessage } from "../../shared/errors.ts";
import { withTimeout } from "../../shared/timeout.ts";
import type { ApiDeps } from "./api_env.ts";
import { createRouter, jsonResponse } from "./openapi_route.ts";

const readinessSchema = z.object({
  status: z.enum(["ready", "unavailable"]),
  checks: z.record(z.string(), z.string())
    .openapi({ example: { postgres: "ok", redis: "ok", kafka: "ok" } }),
}).openapi("Readiness");

/** Runs `probe` with a deadline; the error text, or "ok". */
async function probe(run: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  try {
    await withTimeout(run(), timeoutMs);
    return "ok";
  } catch (error) {
    return errorMessage(error);
  }
}

/** The health routes, mounted at the root. */
export function healthRoutes(deps: ApiDeps) {
  const { sql, redis, kafkaAdmin, config } = deps;
  const timeoutMs = config.API_READY_TIMEOUT_SECONDS * 1000;
  return createRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/healthz",
        tags: ["health"],
        security: [],
        summary: "The process is up",
        responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }), "Up") },
      }),
      (c) => c.json({ status: "ok" as const }, 200),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/readyz",
        tags: ["health"],
        security: [],
        summary: "Postgres, Redis and Kafka are reachable",
        responses: {
          200: jsonResponse(readinessSchema, "Every dependency answered"),
          503: jsonResponse(readinessSchema, "`checks` names what did not answer, and why"),
        },
      }),
      async (c) => {
        const [postgres, redisCheck, kafka] = await Promise.all([
          probe(() => sql`select 1`, timeoutMs),
          probe(() => redis.ping(), timeoutMs),
          probe(async () => {
            await kafkaAdmin.connect(); // no-op while connected
            await kafkaAdmin.describeCluster();
          }, timeoutMs),
        ]);
        const checks = { postgres, redis: redisCheck, kafka };
        const failed = Object.entries(checks).filter(([, v]) => v !== "ok");
        if (failed.length === 0) return c.json({ status: "ready" as const, checks }, 200);
        deps.log.warn("Not ready: {failed}", {
          failed: failed.map(([name, why]) => `${name}: ${why}`).join("; "),
        });
        return c.json({ status: "unavailable" as const, checks }, 503);
      },
    );
}
