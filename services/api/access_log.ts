/**
 * Middleware: one access log line and the HTTP metrics per request. Logs the route pattern, never
 * the URL (query strings may hold secrets) nor any header, so tokens and passwords stay out.
 */
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { type Logger, withContext } from "../../shared/logging.ts";
import type { MetricsRegistry } from "../../shared/metrics.ts";
import type { ApiEnv } from "./api_env.ts";

/** Counts requests by method/route/status, times them by method/route, logs each one. */
export function accessLog(log: Logger, metrics: MetricsRegistry): MiddlewareHandler<ApiEnv> {
  const requests = metrics.counter("http_requests_total", "HTTP requests by route and status");
  const duration = metrics.histogram(
    "http_request_duration_seconds",
    "HTTP request duration by route",
  );
  return async (c, next) => {
    const started = performance.now();
    const requestId = c.get("requestId");
    try {
      await withContext({ request_id: requestId }, next);
    } finally {
      const seconds = (performance.now() - started) / 1000;
      // The pattern of the handler that answered ("/api/v1/pipelines/:id"), bounded cardinality.
      const route = matchedRoutes(c).findLast((r) => r.method !== "ALL")?.path ?? "(unmatched)";
      const status = c.res.status;
      requests.inc({ method: c.req.method, route, status: String(status) });
      duration.observe(seconds, { method: c.req.method, route });
      const level = status >= 500 ? "error" : "info";
      log[level]("{method} {route} {status} {duration_ms} ms", {
        request_id: requestId,
        user_id: c.get("userId") ?? null,
        method: c.req.method,
        route,
        status,
        duration_ms: Math.round(seconds * 10_000) / 10,
      });
    }
  };
}
