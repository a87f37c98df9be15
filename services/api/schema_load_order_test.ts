/**
 * The API's documentation does not depend on which module a process imports first. zod 4 gives
 * a schema the methods its prototype had when the schema was built, so a shared schema built
 * before @hono/zod-openapi loaded would lack `.openapi()` (a test importing a fixture before
 * test_api.ts, say). Here every shared module is loaded first, then the app.
 *
 * Only dynamic imports below: a static one would be evaluated before the shared modules.
 */
import assert from "node:assert/strict";

/** Every non-test module below shared/, as file URLs, sorted. */
async function sharedModules(dir = new URL("../../shared/", import.meta.url)): Promise<URL[]> {
  const found: URL[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) found.push(...await sharedModules(url));
    else if (/(?<!_test)\.tsx?$/.test(entry.name)) found.push(url);
  }
  return found.sort((a, b) => a.href.localeCompare(b.href));
}

Deno.test("shared modules take z from shared/zod.ts, which extends it for OpenAPI", async () => {
  const direct = [];
  for (const url of await sharedModules()) {
    if (url.pathname.endsWith("/shared/zod.ts")) continue;
    const text = await Deno.readTextFile(url);
    if (/import \{[^}]*\bz\b[^}]*\} from "zod"/.test(text)) direct.push(url.pathname);
  }
  assert.deepEqual(direct, []);
});

Deno.test("openapi: the document builds when every shared schema was built before the API", async () => {
  const modules = await sharedModules();
  assert.ok(modules.length > 50, `only ${modules.length} shared modules found`);
  for (const url of modules) await import(url.href);
  const { parseConfig } = await import("../../shared/config.ts");
  const { connectPostgres } = await import("../../shared/db.ts");
  const { serviceLogger } = await import("../../shared/logging.ts");
  const { createApp, OPENAPI_PATH } = await import("./app.ts");
  const config = parseConfig(Deno.env.toObject());
  // Never connected: building the app and its document sends no query.
  const sql = connectPostgres(config.databaseUrl, { max: 1 });
  const app = createApp({
    sql,
    redis: {} as never,
    names: {} as never,
    kafkaAdmin: {} as never,
    config,
    log: serviceLogger("schema-load-order-test"),
  });
  const res = await app.request(OPENAPI_PATH);
  await sql.end();
  assert.equal(res.status, 200);
  const { components } = await res.json();
  for (const name of ["Pipeline", "PipelineCreate", "Execution", "ScannerCreate", "Signal"]) {
    assert.ok(components.schemas[name], `component ${name} is documented`);
  }
});
