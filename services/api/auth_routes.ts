/** `/api/v1/auth`: register, log in (issue a token), log out (revoke the token in use). */
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ApiDeps } from "./api_env.ts";
import { ApiError } from "./api_error.ts";
import { credentialsSchema, tokenSchema, userSchema } from "./api_schemas.ts";
import { issueToken, revokeToken } from "./api_tokens.ts";
import { bearerAuth } from "./bearer_auth.ts";
import { createLoginRateLimit } from "./login_rate_limit.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi_route.ts";
import { hashPassword, verifyPassword } from "./password_hash.ts";

const UNIQUE_VIOLATION = "23505";

/** The auth routes, mounted at /api/v1/auth. */
export function authRoutes(deps: ApiDeps & { clientAddress: (c: Context) => string }) {
  const { sql, config } = deps;
  const limiter = createLoginRateLimit({
    redis: deps.redis,
    names: deps.names,
    maxPerEmail: config.API_LOGIN_MAX_ATTEMPTS_PER_EMAIL,
    maxPerAddress: config.API_LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
    windowSeconds: config.API_LOGIN_WINDOW_SECONDS,
  });
  // Registration costs a KDF run too, so it shares the per-address and per-email budget.
  const limit = async (c: Context, email: string) => {
    const { allowed, retryAfter } = await limiter.attempt(email, deps.clientAddress(c));
    if (!allowed) {
      c.header("Retry-After", String(retryAfter));
      throw new ApiError(429, `Too many attempts; retry in ${retryAfter} s`);
    }
  };

  return createRouter()
    .openapi(
      createRoute({
        method: "post",
        path: "/register",
        tags: ["auth"],
        summary: "Create a user",
        security: [],
        request: { body: jsonBody(credentialsSchema) },
        responses: {
          201: jsonResponse(userSchema, "The new user"),
          ...errorResponses(400, 409, 413, 415, 422, 429),
        },
      }),
      async (c) => {
        const { email, password } = c.req.valid("json");
        await limit(c, email);
        const passwordHash = await hashPassword(password);
        try {
          const [user] = await sql<[{ id: string; email: string }]>`
            insert into users (email, password_hash) values (${email}, ${passwordHash})
            returning id, email`;
          return c.json(user, 201);
        } catch (error) {
          if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
          throw new ApiError(409, `Email "${email}" is already registered`);
        }
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/tokens",
        tags: ["auth"],
        summary: "Log in: exchange email and password for a bearer token",
        security: [],
        request: { body: jsonBody(credentialsSchema) },
        responses: {
          201: jsonResponse(tokenSchema, "A new token; it is shown only once"),
          ...errorResponses(400, 401, 413, 415, 422, 429),
        },
      }),
      async (c) => {
        const { email, password } = c.req.valid("json");
        await limit(c, email);
        const [user] = await sql<{ id: string; password_hash: string }[]>`
          select id, password_hash from users where lower(email) = ${email}`;
        // An unknown email costs the same KDF run, so timing does not tell who is registered.
        const ok = await verifyPassword(password, user?.password_hash ?? null);
        if (!user || !ok) throw new ApiError(401, "Invalid email or password");
        await limiter.reset(email);
        const { token, expires_at } = await issueToken(sql, user.id, config.API_TOKEN_TTL_SECONDS);
        return c.json({ token, expires_at: expires_at.toISOString() }, 201);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/tokens/current",
        tags: ["auth"],
        summary: "Log out: revoke the token of this request",
        security: [{ bearer: [] }],
        middleware: [bearerAuth(sql)] as const,
        responses: { 204: { description: "Revoked" }, ...errorResponses(401) },
      }),
      async (c) => {
        await revokeToken(sql, c.get("tokenId"));
        return c.body(null, 204);
      },
    );
}
