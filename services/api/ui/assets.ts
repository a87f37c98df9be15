/**
 * `/ui/assets/*`: the app's scripts and stylesheet. htmx and its SSE extension are the files of
 * their pinned npm packages, imported as bytes; the chart script is our `chart_client.js` bundled
 * with the pinned `lightweight-charts` on first request (Deno.bundle, kept in memory). Nothing is
 * fetched from a CDN. URLs carry a version so browsers may cache them for a year.
 */
import { Hono } from "hono";
import htmx from "htmx.org/dist/htmx.min.js" with { type: "bytes" };
import sse from "htmx-ext-sse/dist/sse.min.js" with { type: "bytes" };

const VERSION = "1";
const JS = "text/javascript; charset=utf-8";

type Source = () => Promise<Uint8Array>;

const own = (file: string): Source => () =>
  Deno.readFile(new URL(`./assets/${file}`, import.meta.url));

async function bundleChart(): Promise<Uint8Array> {
  const result = await Deno.bundle({
    entrypoints: [new URL("./assets/chart_client.js", import.meta.url).href],
    platform: "browser",
    format: "iife",
    minify: true,
    write: false,
  });
  const file = result.outputFiles?.[0];
  if (!result.success || !file) {
    throw new Error(`Cannot bundle the chart script: ${JSON.stringify(result.errors)}`);
  }
  return file.contents ?? new TextEncoder().encode(file.text());
}

/** Served files: URL name → how to get its bytes and its content type. */
const FILES: Record<string, { source: Source; type: string }> = {
  "htmx.min.js": { source: () => Promise.resolve(htmx), type: JS },
  "sse.js": { source: () => Promise.resolve(sse), type: JS },
  "chart.js": { source: bundleChart, type: JS },
  "app.js": { source: own("app.js"), type: JS },
  "app.css": { source: own("app.css"), type: "text/css; charset=utf-8" },
};

/** The URL a page links for an asset. */
export function assetUrl(name: string): string {
  return `/ui/assets/${VERSION}/${name}`;
}

/** The asset routes, mounted at the root. */
export function assetRoutes() {
  const cache = new Map<string, Promise<Uint8Array>>();
  return new Hono().get("/ui/assets/:version/:file", async (c) => {
    const name = c.req.param("file");
    const file = FILES[name];
    if (!file) return c.notFound();
    let bytes = cache.get(name);
    if (!bytes) {
      cache.set(name, bytes = file.source());
      bytes.catch(() => cache.delete(name));
    }
    return c.body(new Uint8Array(await bytes), 200, {
      "content-type": file.type,
      "cache-control": "public, max-age=31536000, immutable",
    });
  });
}
