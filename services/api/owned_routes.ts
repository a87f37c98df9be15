/**
 * What the routes of a user's own resources (pipelines, scanners, webhook sources) share: the
 * declarations of their collection and id endpoints, deleting one, and the per-user limit. A
 * resource another user owns answers 404, as one that does not exist.
 */
import { createRoute, type RouteHandler, z } from "@hono/zod-openapi";
import type { ZodType } from "zod";
import type { ApiEnv } from "./api_env.ts";
import { ApiError, notFound } from "./api_error.ts";
import { idParamSchema } from "./api_schemas.ts";
import type { CapCheck } from "../../shared/owner_cap.ts";
import { errorResponses, jsonBody, jsonResponse } from "./openapi_route.ts";

/** `POST /`: creates one from `body`, answering 201 with `schema`; 409 past the user's limit. */
export function createOneRoute<B extends ZodType, S extends ZodType>(
  tags: string[],
  summary: string,
  body: B,
  schema: S,
  description: string,
) {
  return createRoute({
    method: "post",
    path: "/",
    tags,
    summary,
    request: { body: jsonBody(body) },
    responses: {
      201: jsonResponse(schema, description),
      ...errorResponses(401, 409, 413, 415, 422),
    },
  });
}

/** `GET /`: every one the caller owns, as `{ items }`. */
export function listAllRoute<S extends ZodType>(
  tags: string[],
  summary: string,
  item: S,
  description: string,
) {
  return createRoute({
    method: "get",
    path: "/",
    tags,
    summary,
    responses: {
      200: jsonResponse(z.object({ items: z.array(item) }), description),
      ...errorResponses(401),
    },
  });
}

/** `GET /{id}`: one the caller owns, answered as `schema`; 404 when it is not theirs. */
export function oneRoute<S extends ZodType>(
  tags: string[],
  summary: string,
  schema: S,
  description: string,
) {
  return idRoute("get", "/{id}", tags, summary, schema, description);
}

/** `POST /{id}/<action>`: an action on one the caller owns, answered as `schema`, else 404. */
export function actionRoute<P extends `/{id}/${string}`, S extends ZodType>(
  path: P,
  tags: string[],
  summary: string,
  schema: S,
  description: string,
) {
  return idRoute("post", path, tags, summary, schema, description);
}

function idRoute<M extends "get" | "post", P extends string, S extends ZodType>(
  method: M,
  path: P,
  tags: string[],
  summary: string,
  schema: S,
  description: string,
) {
  return createRoute({
    method,
    path,
    tags,
    summary,
    request: { params: idParamSchema },
    responses: { 200: jsonResponse(schema, description), ...errorResponses(401, 404) },
  });
}

/**
 * `DELETE /{id}` and its handler, for `.openapi(...deleteOne(...))`: `remove(ownerId, id)` says
 * whether the caller's row was there; 204, else 404 naming the `noun`.
 */
export function deleteOne(
  tags: string[],
  summary: string,
  noun: string,
  remove: (ownerId: string, id: string) => Promise<boolean>,
) {
  const route = createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    summary,
    request: { params: idParamSchema },
    responses: { 204: { description: "Deleted" }, ...errorResponses(401, 404) },
  });
  const handler: RouteHandler<typeof route, ApiEnv> = async (c) => {
    const { id } = c.req.valid("param");
    if (!(await remove(c.get("userId"), id))) throw notFound(noun, id);
    return c.body(null, 204);
  };
  return [route, handler] as const;
}

/**
 * The per-user cap of at most `max` `plural`, for a store's create (shared/owner_cap.ts): given
 * how many the user has, it throws 409 when they may not add one more.
 */
export function userLimit(max: number, plural: string): CapCheck {
  return (count) => {
    if (count >= max) throw new ApiError(409, `A user may have at most ${max} ${plural}`);
  };
}
