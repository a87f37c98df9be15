/**
 * `/ui/assets/*`: the app's scripts and stylesheet. htmx and its SSE extension are the files of
 * their pinned npm packages, imported as bytes; the chart script is our `chart_client.js` bundled
 * with the pinned `lightweight-charts` by the build step (`stack/chart_bundle.ts`, run by
 * `deno task stack up`) into {@linkcode CHART_BUNDLE_PATH}. Nothing is fetched at run time and
 * nothing from a CDN.
 *
 * A URL carries a hash of its file's bytes (`/ui/assets/<hash>/app.css`), so a changed file gets
 * a new URL and browsers may keep each one for a year; the ETag is the same hash. A request with
 * another hash (a page from before a change) gets today's bytes, revalidated rather than kept.
 */
import { createHash } from "node:crypto";
import { Hono } from "hono";
import htmx from "htmx.org/dist/htmx.min.js" with { type: "bytes" };
import sse from "htmx-ext-sse/dist/sse.min.js" with { type: "bytes" };

/** The chart script's source, the build step's entry point. */
export const CHART_CLIENT_PATH = new URL("./assets/chart_client.js", import.meta.url);
/** Where the build step writes the chart bundle (gitignored, under `.cache/`). */
export const CHART_BUNDLE_PATH = new URL("../../../.cache/build/ui/chart.js", import.meta.url);

const JS = "text/javascript; charset=utf-8";
const YEAR = "public, max-age=31536000, immutable";

/** Reads the built chart bundle, or says how to build it. */
export function readChartBundle(path: URL = CHART_BUNDLE_PATH): Uint8Array {
  try {
    return Deno.readFileSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(
      `The chart script is not built: "${path.pathname}" is missing; run "deno task build" ` +
        `(deno task start and deno task test run it)`,
      { cause: error },
    );
  }
}

const own = (file: string) => () => Deno.readFileSync(new URL(`./assets/${file}`, import.meta.url));

/** Served files: URL name → content type and how to read its bytes (the chart from `chart`). */
const FILES: Record<string, { type: string; read: (chart: URL) => Uint8Array }> = {
  "htmx.min.js": { type: JS, read: () => htmx },
  "sse.js": { type: JS, read: () => sse },
  "chart.js": { type: JS, read: readChartBundle },
  "app.js": { type: JS, read: own("app.js") },
  "app.css": { type: "text/css; charset=utf-8", read: own("app.css") },
};

/** The first 16 hex digits of the bytes' SHA-256: an asset's version and ETag. */
export function contentHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 16);
}

const urlVersions = new Map<string, string>();

/**
 * The URL a page links for an asset, with its content hash (read once per process). An asset
 * that cannot be read (an unbuilt chart) gets "unbuilt", and is read again next time.
 */
export function assetUrl(name: string): string {
  let version = urlVersions.get(name);
  const file = FILES[name];
  if (version === undefined && file) {
    try {
      version = contentHash(file.read(CHART_BUNDLE_PATH));
      urlVersions.set(name, version);
    } catch {
      // The asset route answers the reason; the page still renders.
    }
  }
  return `/ui/assets/${version ?? "unbuilt"}/${name}`;
}

/** Options of {@linkcode assetRoutes}. */
export interface AssetOptions {
  /** The built chart bundle (default {@linkcode CHART_BUNDLE_PATH}). */
  chartBundle?: URL;
  /** Told when an asset cannot be read (default: nothing). */
  onError?: (name: string, error: unknown) => void;
}

/** The asset routes, mounted at the root. */
export function assetRoutes(options: AssetOptions = {}) {
  const chart = options.chartBundle ?? CHART_BUNDLE_PATH;
  const loaded = new Map<string, { bytes: Uint8Array; hash: string }>();
  return new Hono().get("/ui/assets/:version/:file", (c) => {
    const name = c.req.param("file");
    const file = FILES[name];
    if (!file) return c.notFound();
    let asset = loaded.get(name);
    if (!asset) {
      try {
        const bytes = file.read(chart);
        // A failed read is not kept: building the chart needs no API restart.
        loaded.set(name, asset = { bytes, hash: contentHash(bytes) });
      } catch (error) {
        options.onError?.(name, error);
        return c.text(error instanceof Error ? error.message : String(error), 500);
      }
    }
    const etag = `"${asset.hash}"`;
    const headers = {
      "content-type": file.type,
      "cache-control": c.req.param("version") === asset.hash ? YEAR : "no-cache",
      etag,
    };
    if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(asset.bytes), 200, headers);
  });
}
