/**
 * `/docs`: Swagger UI rendering /api/v1/openapi.json, with its script and stylesheet served from
 * the swagger-ui-dist package, so the page works with no CDN (this API is often run offline).
 */
import getAbsoluteFSPath from "swagger-ui-dist/absolute-path.js";
import { Hono } from "hono";

const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

function page(specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Tickwire API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <noscript>This page needs JavaScript. The raw document is at
    <a href="${specUrl}">${specUrl}</a>.</noscript>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: "#swagger-ui",
      persistAuthorization: true, tryItOutEnabled: true });
  </script>
</body>
</html>
`;
}

/** The docs routes, mounted at the root; `specUrl` is the OpenAPI document's path. */
export function docsRoutes(specUrl: string) {
  const dir = getAbsoluteFSPath() as string;
  const cache = new Map<string, Uint8Array<ArrayBuffer>>();
  return new Hono()
    .get("/docs", (c) => c.html(page(specUrl)))
    .get("/docs/assets/:file", async (c) => {
      const file = c.req.param("file");
      const type = ASSETS[file];
      if (!type) return c.notFound();
      let bytes = cache.get(file);
      if (!bytes) cache.set(file, bytes = await Deno.readFile(`${dir}/${file}`));
      return c.body(bytes, 200, { "content-type": type, "cache-control": "public, max-age=86400" });
    });
}
