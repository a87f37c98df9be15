/**
 * CSRF protection for every state-changing browser request: the request must come from our own
 * origin (when the browser says where it comes from) and echo the `tw_csrf` cookie, in the
 * `_csrf` form field or the `X-CSRF-Token` header (htmx sends the header on every request).
 */
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { timingSafeEqual } from "node:crypto";
import { CSRF_COOKIE } from "./cookies.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Why a state-changing request is refused, or null when it may go on. Pure. */
export function csrfProblem(request: {
  method: string;
  url: string;
  origin: string | undefined;
  cookie: string | undefined;
  sent: string | undefined;
}): string | null {
  if (SAFE_METHODS.has(request.method)) return null;
  if (request.origin && request.origin !== new URL(request.url).origin) {
    return `Cross-origin request from "${request.origin}" refused`;
  }
  if (!request.cookie || !request.sent) return "Missing CSRF token; reload the page";
  const a = new TextEncoder().encode(request.cookie);
  const b = new TextEncoder().encode(request.sent);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return "Invalid CSRF token; reload the page";
  return null;
}

/** Refuses state-changing requests that fail {@linkcode csrfProblem} with 403. */
export function csrfGuard(): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return await next();
    let sent = c.req.header("x-csrf-token");
    if (!sent && (c.req.header("content-type") ?? "").includes("form")) {
      const field = (await c.req.parseBody())["_csrf"];
      sent = typeof field === "string" ? field : undefined;
    }
    const problem = csrfProblem({
      method: c.req.method,
      url: c.req.url,
      origin: c.req.header("origin"),
      cookie: getCookie(c, CSRF_COOKIE),
      sent,
    });
    if (problem) return c.text(problem, 403);
    await next();
  };
}
