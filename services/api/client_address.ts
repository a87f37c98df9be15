/** The caller's address, for rate limiting. */
import type { Context } from "hono";
import { getConnInfo } from "hono/deno";

/**
 * The peer address of the connection, or with `trustProxy` the last X-Forwarded-For entry (the
 * one our own proxy appended; earlier ones are client-controlled). "unknown" when neither exists.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded.slice(0, 100);
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // app.request() in tests has no connection
  }
}
