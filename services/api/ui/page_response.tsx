/** A signed-in page's response: the layout around a body, or "not found" for an id; the id. */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { Layout } from "./layout.tsx";
import { NotFoundPage } from "./not_found_page.tsx";
import { csrfToken } from "./session/cookies.ts";
import type { UiEnv } from "./ui_env.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Options of {@linkcode pageResponse}. */
export interface PageOptions {
  /** Default 200. */
  status?: 200 | 404 | 409 | 422;
  /** Extra scripts by asset name (default none). */
  scripts?: string[];
  /** Path whose nav entry is marked current (default the request's path). */
  path?: string;
}

/** `body` in the signed-in layout. */
export function pageResponse(
  c: Context<UiEnv>,
  title: string,
  body: Child,
  options: PageOptions = {},
) {
  return c.html(
    <Layout
      title={title}
      path={options.path ?? c.req.path}
      csrf={csrfToken(c)}
      email={c.get("email")}
      scripts={options.scripts ?? []}
    >
      {body}
    </Layout>,
    options.status ?? 200,
  );
}

/**
 * The `:id` route parameter when it is a UUID, else null: a malformed id is not found without
 * asking the store (Postgres would reject it as a uuid).
 */
export function idParam(c: Context<UiEnv>): string | null {
  const id = c.req.param("id") ?? "";
  return UUID.test(id) ? id : null;
}

/** 404 naming `what` (e.g. `Scanner "…"`), the same for a missing id and another user's. */
export function notFoundResponse(
  c: Context<UiEnv>,
  what: string,
  options: Pick<PageOptions, "path"> = {},
) {
  return c.html(
    <NotFoundPage
      what={what}
      csrf={csrfToken(c)}
      email={c.get("email")}
      path={options.path ?? c.req.path}
    />,
    404,
  );
}
