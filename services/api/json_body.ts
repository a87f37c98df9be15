/**
 * What every /api/v1 request body must be, checked once before any route: labelled
 * `application/json` (else 415 saying what was sent; a request without a body, such as a DELETE,
 * needs no label), and free of text Postgres cannot store (else 422 naming each field), so no
 * route's INSERT can fail on it with a 500. An unlabelled body is refused rather than guessed at,
 * so every route reads bodies one way.
 */
import type { HonoRequest } from "hono";
import { createMiddleware } from "hono/factory";
import { UNSTORABLE_TEXT_ERROR, unstorablePaths } from "../../shared/schemas/storable_text.ts";
import { ApiError } from "./api_error.ts";

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** The middleware; mount it after the body limit (it reads the body through it). */
export const jsonBodyGuard = createMiddleware(async (c, next) => {
  const type = c.req.header("content-type")?.split(";")[0]?.trim() ?? "";
  if (!JSON_MEDIA_TYPE.test(type)) {
    if (await hasBody(c.req)) {
      const sent = type === ""
        ? "; the body was sent without one"
        : `, not ${JSON.stringify(type)}`;
      throw new ApiError(415, `Content-Type must be application/json${sent}`);
    }
  } else if (c.req.raw.body !== null) {
    const paths = unstorablePaths(await c.req.json().catch(() => null)); // malformed: the route's 400
    if (paths.length > 0) {
      const details = paths.map((path) => ({
        path: path.join("."),
        message: UNSTORABLE_TEXT_ERROR,
      }));
      throw new ApiError(422, "Invalid request body", details);
    }
  }
  await next();
});

/**
 * Whether the request carries at least one byte. A server hands a bodiless DELETE an empty
 * stream, not null, so the stream is read (Hono keeps it for the route).
 */
async function hasBody(req: HonoRequest): Promise<boolean> {
  if (req.raw.body === null || req.header("content-length") === "0") return false;
  return (await req.arrayBuffer()).byteLength > 0;
}
