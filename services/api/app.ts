/**
 * The Pipelines API as a Hono app: `createApp(deps)` wires middleware and mounts each group of
 * routes; `main.ts` serves it. Tests call `app.request(...)` with no server.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { errorMessage } from "../../shared/errors.ts";
import { MetricsRegistry } from "../../shared/metrics.ts";
import { isPostgresUnavailable } from "../../shared/postgres_unavailable.ts";
import { isRedisUnavailable } from "../../shared/redis_unavailable.ts";
import { accessLog } from "./access_log.ts";
import { publicOriginVariable } from "./public_origin.ts";
import type { ApiDeps, ApiEnv } from "./api_env.ts";
import { ApiError } from "./api_error.ts";
import { authRoutes } from "./auth_routes.ts";
import { bearerAuth } from "./bearer_auth.ts";
import { clientAddress } from "./client_address.ts";
import { docsRoutes } from "./docs_routes.ts";
import { executionRoutes } from "./execution_routes.ts";
import { healthRoutes } from "./health_routes.ts";
import { jsonBodyGuard } from "./json_body.ts";
import { paperRoutes } from "./paper_routes.ts";
import { backtestRoutes } from "./backtest_routes.ts";
import { pipelineRoutes } from "./pipeline_routes.ts";
import { signalRoutes } from "./signal_routes.ts";
import { analyticsRoutes } from "./analytics_routes.ts";
import { deadLetterRoutes } from "./dead_letter_routes.ts";
import { signalIntakeRoutes } from "./signal_intake.ts";
import { signalSourceRoutes } from "./signal_source_routes.ts";
import { scannerRoutes } from "./scanner_routes.ts";
import { type IntakeKeys, loadIntakeKeys } from "../../shared/signals/intake_keys.ts";
import { createSignIn } from "./sign_in.ts";
import { createLiveHub } from "./ui/live/live_hub.ts";
import { mountUi } from "./ui/ui_app.ts";

/** Path of the generated OpenAPI document. */
export const OPENAPI_PATH = "/api/v1/openapi.json";

/** Retry-After of a 503 while Postgres or Redis is unreachable. */
const RETRY_AFTER_SECONDS = 5;

/**
 * How long the API's Redis commands may wait (login rate limit, enqueue of a manual run, stats):
 * during a Redis outage a request answers 503 after this instead of waiting for Redis to return.
 */
export const API_REDIS_COMMAND_TIMEOUT_MS = 2000;

/** Builds the app; `deps.metrics` defaults to a new registry. */
export function createApp(deps: ApiDeps): OpenAPIHono<ApiEnv> {
  const metrics = deps.metrics ?? new MetricsRegistry();
  const address = deps.clientAddress ?? ((c) => clientAddress(c, deps.config.API_TRUST_PROXY));
  const app = new OpenAPIHono<ApiEnv>();

  app.use(requestId());
  app.use(publicOriginVariable(deps.config.API_TRUST_PROXY));
  app.use(accessLog(deps.log, metrics));
  app.use(
    "/api/v1/*",
    bodyLimit({
      maxSize: deps.config.API_MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, `Request body exceeds ${deps.config.API_MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  app.use("/api/v1/*", jsonBodyGuard);
  const auth = bearerAuth(deps.sql);
  for (
    const path of [
      "/api/v1/pipelines",
      "/api/v1/pipelines/*",
      "/api/v1/executions/*",
      "/api/v1/paper/*",
      "/api/v1/signals",
      "/api/v1/signals/*",
      "/api/v1/analytics/*",
      "/api/v1/dead-letters",
      "/api/v1/signal-sources",
      "/api/v1/signal-sources/*",
      "/api/v1/scanners",
      "/api/v1/scanners/*",
    ]
  ) {
    app.use(path, auth);
  }

  app.route("/", healthRoutes(deps));
  app.route("/api/v1/auth", authRoutes({ ...deps, clientAddress: address }));
  app.route("/api/v1/pipelines", pipelineRoutes(deps));
  app.route("/api/v1", executionRoutes(deps));
  app.route("/api/v1/paper", paperRoutes(deps));
  app.route("/api/v1", backtestRoutes(deps));
  app.route("/api/v1", signalRoutes(deps));
  app.route("/api/v1", analyticsRoutes(deps));
  app.route("/api/v1", deadLetterRoutes(deps));
  // Loaded on first use and kept; a failed load is tried again by the next request.
  let keys: Promise<IntakeKeys> | null = null;
  const intakeKeys = () =>
    keys ??= loadIntakeKeys(deps.sql).catch((error) => {
      keys = null;
      throw error;
    });
  app.route("/api/v1/signal-sources", signalSourceRoutes(deps, intakeKeys));
  app.route("/api/v1/scanners", scannerRoutes(deps));
  app.route(
    "/hooks",
    signalIntakeRoutes({ ...deps, keys: intakeKeys, publish: deps.publishSignals }),
  );

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: 'A token from POST /api/v1/auth/tokens ("tw_…")',
  });
  app.doc(OPENAPI_PATH, {
    openapi: "3.0.3",
    info: {
      title: "Tickwire Pipelines API",
      version: "1.0.0",
      description: "Manage signal-triggered and periodic pipelines and watch them run. " +
        "Every /api/v1 route except registration and login needs `Authorization: Bearer <token>`.",
    },
    security: [{ bearer: [] }],
  });
  app.route("/", docsRoutes(OPENAPI_PATH));
  const hub = deps.hub ?? createLiveHub(deps.sql, deps.log);
  mountUi(app, { ...deps, hub, intakeKeys }, createSignIn(deps), address);

  app.notFound((c) =>
    c.json({ error: `No route for ${c.req.method} ${c.req.path}`, details: [] }, 404)
  );
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.body(), error.status);
    if (error instanceof HTTPException) {
      return c.json({ error: error.message || "Bad request", details: [] }, error.status);
    }
    if (isPostgresUnavailable(error)) {
      // Down or restarting: clients should come back, not report a bug.
      deps.log.warn("Postgres unavailable on {method} {path}: {error}", {
        method: c.req.method,
        path: c.req.path,
        error: errorMessage(error),
      });
      c.header("Retry-After", String(RETRY_AFTER_SECONDS));
      return c.json({ error: "The database is unavailable; retry shortly", details: [] }, 503);
    }
    if (isRedisUnavailable(error)) {
      deps.log.warn("Redis unavailable on {method} {path}: {error}", {
        method: c.req.method,
        path: c.req.path,
        error: errorMessage(error),
      });
      c.header("Retry-After", String(RETRY_AFTER_SECONDS));
      return c.json({ error: "Redis is unavailable; retry shortly", details: [] }, 503);
    }
    deps.log.error("Unhandled error on {method} {path}: {error}", {
      method: c.req.method,
      path: c.req.path,
      error: errorMessage(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    return c.json({ error: "Internal server error", details: [] }, 500);
  });
  return app;
}
