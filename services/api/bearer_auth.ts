/** Middleware: `Authorization: Bearer <token>` → `userId`/`tokenId` variables, else 401. */
import type { MiddlewareHandler } from "hono";
import type { Sql } from "../../shared/db.ts";
import { ApiError } from "./api_error.ts";
import type { ApiEnv } from "./api_env.ts";
import { authenticateToken } from "./api_tokens.ts";

const BEARER = /^Bearer ([\w-]{1,200})$/;

/** Rejects requests without a live token with 401 and `WWW-Authenticate: Bearer`. */
export function bearerAuth(sql: Sql): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const match = BEARER.exec(c.req.header("authorization") ?? "");
    const found = match ? await authenticateToken(sql, match[1]!) : null;
    if (!found) {
      c.header("WWW-Authenticate", 'Bearer realm="tickwire"');
      throw new ApiError(
        401,
        match
          ? "The token is invalid, expired or revoked"
          : 'Missing "Authorization: Bearer <token>" header',
      );
    }
    c.set("userId", found.user_id);
    c.set("tokenId", found.token_id);
    await next();
  };
}
