/**
 * The web app, served by the API process at `/`: assets, sign-in, and the signed-in pages. Its
 * middleware is registered on the app's own paths only, so `/api/v1` keeps bearer auth alone.
 */
import type { Hono } from "hono";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { compress } from "hono/compress";
import { errorMessage } from "../../../shared/errors.ts";
import type { SignIn } from "../sign_in.ts";
import { assetRoutes } from "./assets.ts";
import { executionPages } from "./executions/execution_routes.tsx";
import { paperPages } from "./paper/paper_routes.tsx";
import { pipelinePages } from "./pipelines/pipeline_routes.tsx";
import { scannerPages } from "./scanners/scanner_routes.tsx";
import { sourcePages } from "./sources/source_routes.tsx";
import { liveSignalRoutes } from "./signals/live_signals.tsx";
import { signalPages } from "./signals/signal_pages.tsx";
import { browserSession } from "./session/browser_session.ts";
import { csrfGuard } from "./session/csrf_guard.ts";
import { signInRoutes } from "./session/sign_in_routes.tsx";
import type { UiDeps, UiEnv } from "./ui_env.ts";

/** Paths anyone may open (the session is not required). */
const PUBLIC_PATHS = ["/sign-in", "/register", "/sign-out"];
/** Paths of signed-in pages; a new feature's pages add their prefix here. */
export const SIGNED_IN_PATHS = [
  "/",
  "/pipelines",
  "/pipelines/*",
  "/executions/*",
  "/signals",
  "/signals/*",
  "/paper",
  "/analytics",
  "/sources",
  "/sources/*",
  "/scanners",
  "/scanners/*",
];

/** Whether a route path belongs to the web app (HTML pages and assets, not the JSON API). */
export function isWebAppPath(path: string): boolean {
  return path.startsWith("/ui/assets/") ||
    [...PUBLIC_PATHS, ...SIGNED_IN_PATHS].some((p) =>
      p.endsWith("/*") ? path.startsWith(p.slice(0, -1)) : path === p
    );
}

/** Mounts the web app on `app`. */
export function mountUi(
  // deno-lint-ignore no-explicit-any
  app: Hono<any>,
  deps: UiDeps,
  signIn: SignIn,
  address: (c: Context) => string,
): void {
  const limit = bodyLimit({ maxSize: deps.config.API_MAX_BODY_BYTES });
  const session = browserSession(deps.sql);
  for (const path of [...PUBLIC_PATHS, ...SIGNED_IN_PATHS]) {
    app.use(path, limit, csrfGuard(deps.config.API_TRUST_PROXY));
  }
  for (const path of SIGNED_IN_PATHS) app.use(path, session);
  // Scripts and styles compress well (htmx 52 KB → ~16 KB); pages stay uncompressed, so event
  // streams are never buffered by a compressor.
  app.use("/ui/assets/*", compress());
  app.route(
    "/",
    assetRoutes({
      onError: (name, error) =>
        deps.log.error("Cannot serve asset {name}: {error}", { name, error: errorMessage(error) }),
    }),
  );
  app.route("/", signInRoutes(deps, signIn, address));
  // The live stream's static path goes before the signal pages' `/signals/:id`.
  const pages = [
    pipelinePages,
    executionPages,
    liveSignalRoutes,
    signalPages,
    paperPages,
    sourcePages,
    scannerPages,
  ];
  for (const routes of pages) app.route("/", routes(deps) as unknown as Hono<UiEnv>);
}
