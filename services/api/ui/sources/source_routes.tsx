/**
 * `/sources…`: the signed-in owner's webhook sources: list and create, one source with its
 * delivery log, rotate its secret, delete it. Through the JSON API's store and secret issuing.
 *
 * A new secret is shown once, without a form that a reload would post again (a second source, or
 * a second rotation): the POST hands it to the browser in a short-lived HttpOnly cookie scoped to
 * the source's page and redirects there; that page shows it, uncached, and deletes the cookie.
 * The server keeps only the sealed secret.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { ApiError } from "../../api_error.ts";
import { sourceSecrets, type SourceWithSecret } from "../../signal_source_secrets.ts";
import { createSignalSourceStore } from "../../signal_source_store.ts";
import type { FieldErrors } from "../form_field.tsx";
import { idParam, notFoundResponse, pageResponse } from "../page_response.tsx";
import { csrfToken, secure } from "../session/cookies.ts";
import type { UiDeps, UiEnv } from "../ui_env.ts";
import {
  EMPTY_SOURCE,
  parseSourceValues,
  type SourceFormValues,
  sourceValues,
} from "./source_settings.ts";
import { SourcePage } from "./source_page.tsx";
import { SourcesPage } from "./sources_page.tsx";

/** Deliveries shown on a source's page (the JSON API pages through the rest). */
const DELIVERIES_SHOWN = 100;
/** The cookie carrying a new secret to its page; how long it may wait there (5 min). */
const NEW_SECRET_COOKIE = "tw_new_secret";
const NEW_SECRET_MAX_AGE_SECONDS = 300;

/** The source pages, mounted at the root behind the browser session. */
export function sourcePages(deps: UiDeps) {
  const store = createSignalSourceStore(deps.sql);
  const secrets = sourceSecrets(store, deps.intakeKeys);

  const list = async (
    c: Context<UiEnv>,
    values: SourceFormValues,
    errors: FieldErrors,
    status: 200 | 409 | 422 = 200,
  ) =>
    pageResponse(
      c,
      "Signal sources",
      <SourcesPage
        sources={await store.list(c.get("userId"))}
        origin={c.get("publicOrigin")}
        csrf={csrfToken(c)}
        values={values}
        errors={errors}
        now={new Date()}
      />,
      { status },
    );
  const showSecret = (c: Context<UiEnv>, issued: SourceWithSecret) => {
    const path = `/sources/${issued.row.id}`;
    setCookie(c, NEW_SECRET_COOKIE, issued.secret, {
      httpOnly: true,
      sameSite: "Strict",
      secure: secure(c),
      path,
      maxAge: NEW_SECRET_MAX_AGE_SECONDS,
    });
    return c.redirect(path, 303);
  };
  /** The new secret waiting for this page, taken (deleted) as it is read. */
  const takeSecret = (c: Context<UiEnv>, id: string) => {
    const secret = getCookie(c, NEW_SECRET_COOKIE);
    if (secret === undefined) return undefined;
    deleteCookie(c, NEW_SECRET_COOKIE, { path: `/sources/${id}`, secure: secure(c) });
    c.header("cache-control", "no-store");
    return /^tws_[\w-]{1,100}$/.test(secret) ? secret : undefined;
  };
  const notFound = (c: Context<UiEnv>) =>
    notFoundResponse(c, `Signal source "${c.req.param("id")}"`);

  return new Hono<UiEnv>()
    .get("/sources", (c) => list(c, EMPTY_SOURCE, {}))
    .post("/sources", async (c) => {
      const values = sourceValues(await c.req.parseBody({ all: true }));
      const parsed = parseSourceValues(values);
      if (!parsed.ok) return list(c, values, parsed.errors, 422);
      try {
        return showSecret(c, await secrets.create(c.get("userId"), parsed.settings));
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 409) throw error;
        return list(c, values, { form: error.message }, 409);
      }
    })
    .get("/sources/:id", async (c) => {
      const sourceId = idParam(c);
      const row = sourceId && await store.get(c.get("userId"), sourceId);
      if (!row) return notFound(c);
      return pageResponse(
        c,
        row.name,
        <SourcePage
          source={row}
          origin={c.get("publicOrigin")}
          csrf={csrfToken(c)}
          secret={takeSecret(c, row.id)}
          deliveries={await store.deliveries(c.get("userId"), row.id, DELIVERIES_SHOWN, null)}
        />,
      );
    })
    .post("/sources/:id/rotate", async (c) => {
      const sourceId = idParam(c);
      const rotated = sourceId && await secrets.rotate(c.get("userId"), sourceId);
      return rotated ? showSecret(c, rotated) : notFound(c);
    })
    .post("/sources/:id/delete", async (c) => {
      const sourceId = idParam(c);
      if (!sourceId || !(await store.remove(c.get("userId"), sourceId))) return notFound(c);
      return c.redirect("/sources", 303);
    });
}
