import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { OPENAPI_PATH } from "./app.ts";
import { createTestApi } from "./test_api.ts";
import { isWebAppPath } from "./ui/ui_app.ts";

/** Routes that serve the documentation itself rather than the API. */
const UNDOCUMENTED = new Set([OPENAPI_PATH, "/docs", "/docs/assets/:file"]);

Deno.test("openapi: the document is valid OpenAPI 3 and lists every route", async () => {
  await using api = await createTestApi();
  const res = await api.app.request(OPENAPI_PATH);
  assert.equal(res.status, 200);
  const doc = await res.json();
  const result = await new Validator().validate(doc);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  assert.match(doc.openapi, /^3\./);

  const documented = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, object>)) {
    for (const method of Object.keys(item)) {
      documented.add(`${method.toUpperCase()} ${path.replaceAll(/\{(\w+)\}/g, ":$1")}`);
    }
  }
  const served = new Set(
    api.app.routes
      .filter((r) => r.method !== "ALL" && !UNDOCUMENTED.has(r.path) && !isWebAppPath(r.path))
      .map((r) => `${r.method} ${r.path}`),
  );
  assert.deepEqual([...documented].sort(), [...served].sort());
  for (
    const route of [
      "POST /api/v1/auth/register",
      "POST /api/v1/auth/tokens",
      "DELETE /api/v1/auth/tokens/current",
      "POST /api/v1/pipelines",
      "GET /api/v1/pipelines",
      "GET /api/v1/pipelines/:id",
      "PUT /api/v1/pipelines/:id",
      "PATCH /api/v1/pipelines/:id",
      "DELETE /api/v1/pipelines/:id",
      "POST /api/v1/pipelines/:id/run",
      "GET /api/v1/pipelines/:id/executions",
      "GET /api/v1/pipelines/:id/dispatch-stats",
      "GET /api/v1/executions/:id",
      "GET /api/v1/paper/accounts",
      "GET /healthz",
      "GET /readyz",
    ]
  ) assert.ok(documented.has(route), `${route} is documented`);
  assert.ok(!documented.has("GET /metrics"), "metrics are served on METRICS_PORT_API");
});

Deno.test("openapi: bodies come from the shared schemas; auth and health need no token", async () => {
  await using api = await createTestApi();
  const doc = await (await api.app.request(OPENAPI_PATH)).json();
  const create = doc.components.schemas.PipelineCreate;
  assert.deepEqual(create.required, ["name", "trigger_mode"]);
  assert.equal(create.additionalProperties, false);
  assert.equal(create.properties.scanner_tickers.maxItems, api.config.API_MAX_TICKERS);
  assert.equal(create.properties.config.properties.steps.maxItems, 50);
  assert.deepEqual(doc.security, [{ bearer: [] }]);
  assert.deepEqual(doc.paths["/api/v1/auth/tokens"].post.security, []);
  assert.deepEqual(doc.paths["/readyz"].get.security, []);
  assert.equal(doc.paths["/api/v1/pipelines/{id}"].get.security, undefined);
});

Deno.test("docs: the page and its Swagger UI assets are served without a CDN", async () => {
  await using api = await createTestApi();
  const page = await api.app.request("/docs");
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(html.includes(JSON.stringify(OPENAPI_PATH)));
  assert.doesNotMatch(html, /https?:\/\//, "no external URL");
  for (const asset of html.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)) {
    const res = await api.app.request(asset[1]!);
    assert.equal(res.status, 200, asset[1]);
    assert.ok((await res.arrayBuffer()).byteLength > 10_000, asset[1]);
  }
  assert.equal((await api.app.request("/docs/assets/..%2Fpackage.json")).status, 404);
});
