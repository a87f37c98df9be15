/**
 * `/ui/assets/*`: the app's scripts and stylesheet. htmx and its SSE extension are the files of
 * their pinned npm packages, imported as bytes; the chart script is our `chart_client.js` bundled
 * with the pinned `lightweight-charts` by the build step (`stack/chart_bundle.ts`, run by
 * `deno task stack up`) into {@linkcode CHART_BUNDLE_PATH}. Nothing is fetched at run time and
 * nothing from a CDN. URLs carry a version, so browsers may cache them for a year; the ETag (a
 * hash of the bytes) lets a proxy or a browser that does revalidate get a 304.
 */
import { Hono } from "hono";
import htmx from "htmx.org/dist/htmx.min.js" with { type: "bytes" };
import sse from "htmx-ext-sse/dist/sse.min.js" with { type: "bytes" };

/** The chart script's source, the build step's entry point. */
export const CHART_CLIENT_PATH = new URL("./assets/chart_client.js", import.meta.url);
/** Where the build step writes the chart bundle (gitignored, under `.cache/`). */
export const CHART_BUNDLE_PATH = new URL("../../../.cache/build/ui/chart.js", import.meta.url);

const VERSION = "1";
const JS = "text/javascript; charset=utf-8";

type Source = () => Promise<Uint8Array>;

const own = (file: string): Source => () =>
  Deno.readFile(new URL(`./assets/${file}`, import.meta.url));

/** Reads the built chart bundle, or says how to build it. */
export async function readChartBundle(path: URL = CHART_BUNDLE_PATH): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(
      `The chart script is not built: "${path.pathname}" is missing; run "deno task build" ` +
        `(deno task start and deno task test run it)`,
      { cause: error },
    );
  }
}

/** The URL a page links for an asset. */
export function assetUrl(name: string): string {
  return `/ui/assets/${VERSION}/${name}`;
}

async function etagOf(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)));
  return `"${Array.from(digest.slice(0, 12), (b) => b.toString(16).padStart(2, "0")).join("")}"`;
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
  const files: Record<string, { source: Source; type: string }> = {
    "htmx.min.js": { source: () => Promise.resolve(htmx), type: JS },
    "sse.js": { source: () => Promise.resolve(sse), type: JS },
    "chart.js": { source: () => readChartBundle(options.chartBundle), type: JS },
    "app.js": { source: own("app.js"), type: JS },
    "app.css": { source: own("app.css"), type: "text/css; charset=utf-8" },
  };
  const cache = new Map<string, Promise<{ bytes: Uint8Array; etag: string }>>();
  return new Hono().get("/ui/assets/:version/:file", async (c) => {
    const name = c.req.param("file");
    const file = files[name];
    if (!file) return c.notFound();
    let loaded = cache.get(name);
    if (!loaded) {
      const load = file.source().then(async (bytes) => ({ bytes, etag: await etagOf(bytes) }));
      cache.set(name, loaded = load);
      // A missing build is retried on the next request, so building needs no API restart.
      load.catch(() => cache.delete(name));
    }
    let asset;
    try {
      asset = await loaded;
    } catch (error) {
      options.onError?.(name, error);
      return c.text(error instanceof Error ? error.message : String(error), 500);
    }
    const headers = {
      "content-type": file.type,
      "cache-control": "public, max-age=31536000, immutable",
      etag: asset.etag,
    };
    if (c.req.header("if-none-match") === asset.etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(asset.bytes), 200, headers);
  });
}
