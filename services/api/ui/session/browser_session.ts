/**
 * Middleware for signed-in pages: the `tw_session` cookie's token, checked exactly as a bearer
 * token is, sets `userId`. Without one, pages redirect to the sign-in form (htmx requests get
 * `HX-Redirect`, event streams a 401).
 */
import type { MiddlewareHandler } from "hono";
import type { Sql } from "../../../../shared/db.ts";
import { authenticateToken } from "../../api_tokens.ts";
import type { UiEnv } from "../ui_env.ts";
import { sessionToken } from "./cookies.ts";

/** Requires a live session. */
export function browserSession(sql: Sql): MiddlewareHandler<UiEnv> {
  return async (c, next) => {
    const token = sessionToken(c);
    const found = token && /^[\w-]{1,200}$/.test(token)
      ? await authenticateToken(sql, token)
      : null;
    if (!found) {
      const back = c.req.method === "GET" ? `?next=${encodeURIComponent(c.req.path)}` : "";
      if (c.req.header("hx-request")) {
        c.header("HX-Redirect", `/sign-in${back}`);
        return c.body(null, 401);
      }
      if (c.req.header("accept")?.includes("text/event-stream")) return c.body(null, 401);
      return c.redirect(`/sign-in${back}`, 303);
    }
    const [user] = await sql<
      { email: string }[]
    >`select email from users where id = ${found.user_id}`;
    c.set("userId", found.user_id);
    c.set("tokenId", found.token_id);
    c.set("email", user?.email ?? "");
    await next();
  };
}
