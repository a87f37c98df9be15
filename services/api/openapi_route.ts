/**
 * Building blocks of the API's routes: a router whose validation failures answer in the API's
 * error shape, and the OpenAPI descriptions of JSON bodies and error answers.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { ZodType } from "zod";
import { ApiError, notFound, validationError } from "./api_error.ts";
import type { ApiEnv } from "./api_env.ts";

/** The error body, as documented. */
export const errorSchema = z.object({
  error: z.string(),
  details: z.array(z.object({ path: z.string(), message: z.string() })),
}).openapi("Error");

const ERROR_DESCRIPTIONS = {
  400: "Malformed JSON or invalid query parameters",
  401: "Missing, invalid, expired or revoked token",
  404: "Not found, or owned by another user",
  409: "Conflict",
  413: "Request body too large",
  415: "A body was sent without Content-Type: application/json",
  422: "The body does not match the schema; `details` lists every problem",
  429: "Too many attempts; see Retry-After",
  503: "A dependency is unreachable",
} as const;

/** OpenAPI responses for the given error statuses. */
export function errorResponses(...statuses: (keyof typeof ERROR_DESCRIPTIONS)[]) {
  return Object.fromEntries(statuses.map((status) => [status, {
    description: ERROR_DESCRIPTIONS[status],
    content: { "application/json": { schema: errorSchema } },
  }]));
}

/** A required JSON request body. */
export function jsonBody<S extends ZodType>(schema: S, description?: string) {
  return {
    required: true,
    ...(description ? { description } : {}),
    content: { "application/json": { schema } },
  };
}

/** A JSON response. */
export function jsonResponse<S extends ZodType>(schema: S, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/**
 * A router for `app.route(...)`: invalid path ids answer 404 (no such resource), invalid query
 * parameters 400, invalid bodies 422, each listing every problem.
 */
export function createRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      if (result.target === "param") throw notFound("Resource", c.req.param("id") ?? "");
      if (result.target === "query") {
        const error = validationError("query parameters", result.error as z.ZodError);
        throw new ApiError(400, error.message, error.details);
      }
      throw validationError("request body", result.error as z.ZodError);
    },
  });
}
