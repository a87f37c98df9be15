/** `/api/v1/auth`: register, log in (issue a token), log out (revoke the token in use). */
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ApiDeps } from "./api_env.ts";
import { ApiError } from "./api_error.ts";
import { credentialsSchema, tokenSchema, userSchema } from "./api_schemas.ts";
import { revokeToken } from "./api_tokens.ts";
import { bearerAuth } from "./bearer_auth.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi_route.ts";
import { createSignIn } from "./sign_in.ts";

/** The auth routes, mounted at /api/v1/auth. */
export function authRoutes(deps: ApiDeps & { clientAddress: (c: Context) => string }) {
  const signIn = createSignIn(deps);
  // The limiter's 429 carries retry_after; HTTP clients read it from Retry-After.
  const limited = async <T>(c: Context, attempt: () => Promise<T>): Promise<T> => {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof ApiError && error.status === 429) {
        c.header("Retry-After", String(error.extra.retry_after));
      }
      throw error;
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
        const user = await limited(
          c,
          () => signIn.register(email, password, deps.clientAddress(c)),
        );
        return c.json(user, 201);
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
        const { token, expires_at } = await limited(
          c,
          () => signIn.logIn(email, password, deps.clientAddress(c)),
        );
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
        middleware: [bearerAuth(deps.sql)] as const,
        responses: { 204: { description: "Revoked" }, ...errorResponses(401) },
      }),
      async (c) => {
        await revokeToken(deps.sql, c.get("tokenId"));
        return c.body(null, 204);
      },
    );
}
