/**
 * CSRF protection for every state-changing browser request: the request must come from our own
 * origin (when the browser says where it comes from) and echo the `tw_csrf` cookie, in the
 * `_csrf` form field or the `X-CSRF-Token` header (htmx sends the header on every request).
 * "Our own origin" is the public one (public_origin.ts): behind a TLS-terminating proxy that
 * API_TRUST_PROXY trusts, the proxy's X-Forwarded-Proto/Host. A cross-site page cannot forge
 * those: a form post sets no headers, and a script's fetch with them needs a CORS preflight we
 * never grant.
 */
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { timingSafeEqual } from "node:crypto";
import { CSRF_COOKIE } from "./cookies.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Why a state-changing request is refused, or null when it may go on. Pure. */
export function csrfProblem(request: {
  method: string;
  /** Our public origin. */
  ownOrigin: string;
  /** The browser's Origin header. */
  origin: string | undefined;
  /** Whether the request came through a proxy whose X-Forwarded headers are not trusted. */
  untrustedProxy?: boolean;
  cookie: string | undefined;
  sent: string | undefined;
}): string | null {
  if (SAFE_METHODS.has(request.method)) return null;
  if (request.origin && request.origin !== request.ownOrigin) {
    const hint = request.untrustedProxy
      ? ` (this server is "${request.ownOrigin}"; behind a TLS-terminating proxy, set ` +
        `API_TRUST_PROXY=true so its X-Forwarded-Proto and X-Forwarded-Host count)`
      : "";
    return `Cross-origin request from "${request.origin}" refused${hint}`;
  }
  if (!request.cookie || !request.sent) return "Missing CSRF token; reload the page";
  const a = new TextEncoder().encode(request.cookie);
  const b = new TextEncoder().encode(request.sent);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return "Invalid CSRF token; reload the page";
  return null;
}

/**
 * Refuses state-changing requests that fail {@linkcode csrfProblem} with 403. Reads the context
 * variable `publicOrigin` (default the request URL's); `trustProxy` (API_TRUST_PROXY) only decides
 * whether a refusal hints at setting it.
 */
export function csrfGuard(trustProxy: boolean): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return await next();
    let sent = c.req.header("x-csrf-token");
    if (!sent && (c.req.header("content-type") ?? "").includes("form")) {
      const field = (await c.req.parseBody())["_csrf"];
      sent = typeof field === "string" ? field : undefined;
    }
    const problem = csrfProblem({
      method: c.req.method,
      ownOrigin: c.get("publicOrigin") ?? new URL(c.req.url).origin,
      origin: c.req.header("origin"),
      untrustedProxy: !trustProxy &&
        (c.req.header("x-forwarded-proto") ?? c.req.header("x-forwarded-host")) !== undefined,
      cookie: getCookie(c, CSRF_COOKIE),
      sent,
    });
    if (problem) return c.text(problem, 403);
    await next();
  };
}
