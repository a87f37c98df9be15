/** A signed-in page's response: the layout around a body, or "not found" for an id. */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { Layout } from "./layout.tsx";
import { NotFoundPage } from "./not_found_page.tsx";
import { csrfToken } from "./session/cookies.ts";
import type { UiEnv } from "./ui_env.ts";

/** Options of {@linkcode pageResponse}. */
export interface PageOptions {
  /** Default 200. */
  status?: 200 | 404 | 409 | 422;
  /** Extra scripts by asset name (default none). */
  scripts?: string[];
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
      path={c.req.path}
      csrf={csrfToken(c)}
      email={c.get("email")}
      scripts={options.scripts ?? []}
    >
      {body}
    </Layout>,
    options.status ?? 200,
  );
}

/** 404 naming `what` (e.g. `Scanner "…"`), the same for a missing id and another user's. */
export function notFoundResponse(c: Context<UiEnv>, what: string) {
  return c.html(
    <NotFoundPage what={what} csrf={csrfToken(c)} email={c.get("email")} path={c.req.path} />,
    404,
  );
}
