/**
 * Content-Type rules over a real HTTP server (as curl sends them): a request without a body needs
 * no Content-Type; a body must say it is JSON, else 415 naming what was sent.
 */
import assert from "node:assert/strict";
import { createTestApi } from "./test_api.ts";
import { insertPipeline } from "../../tests/fixtures/pipelines.ts";

/** Serves the test API on a free port; `request` sends exactly the headers given. */
async function servedApi() {
  const api = await createTestApi();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, api.app.fetch);
  const base = `http://127.0.0.1:${server.addr.port}`;
  const request = async (method: string, path: string, init: RequestInit = {}) => {
    const res = await fetch(`${base}${path}`, { method, ...init });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    api,
    request,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await api[Symbol.asyncDispose]();
    },
  };
}

Deno.test("content type: DELETE and POST without a body need no Content-Type", async () => {
  await using s = await servedApi();
  const { id: userId, token } = await s.api.user();
  const auth = { authorization: `Bearer ${token}` };
  const pipeline = await insertPipeline(s.api.db.sql, userId);
  const other = await insertPipeline(s.api.db.sql, userId);

  const run = await s.request("POST", `/api/v1/pipelines/${pipeline.id}/run`, { headers: auth });
  assert.equal(run.status, 202, JSON.stringify(run.body));
  // curl -X POST -d '' sends Content-Length: 0 (and a form type); still no body.
  const removed = await s.request("DELETE", `/api/v1/pipelines/${other.id}`, {
    headers: { ...auth, "content-length": "0" },
  });
  assert.equal(removed.status, 204, JSON.stringify(removed.body));

  const revoked = await s.request("DELETE", "/api/v1/auth/tokens/current", { headers: auth });
  assert.equal(revoked.status, 204, JSON.stringify(revoked.body));
  const after = await s.request("GET", "/api/v1/pipelines", { headers: auth });
  assert.equal(after.status, 401);
});

Deno.test("content type: a body without a JSON Content-Type answers 415 saying what was sent", async () => {
  await using s = await servedApi();
  const { id: userId, token } = await s.api.user();
  const pipeline = await insertPipeline(s.api.db.sql, userId);
  const body = JSON.stringify({});
  // fetch labels a string body text/plain; a Blob without a type sends no Content-Type at all.
  const untyped = await s.request("POST", `/api/v1/pipelines/${pipeline.id}/run`, {
    headers: { authorization: `Bearer ${token}` },
    body: new Blob([body]),
  });
  assert.equal(untyped.status, 415);
  assert.equal(
    untyped.body.error,
    "Content-Type must be application/json; the body was sent without one",
  );
  const text = await s.request("POST", `/api/v1/pipelines/${pipeline.id}/run`, {
    headers: { authorization: `Bearer ${token}` },
    body,
  });
  assert.equal(text.status, 415);
  assert.equal(
    text.body.error,
    'Content-Type must be application/json, not "text/plain"',
  );
  const json = await s.request("POST", `/api/v1/pipelines/${pipeline.id}/run`, {
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });
  assert.equal(json.status, 202);
  // A required body that is missing: the schema says what is missing, not a parse error.
  const missing = await s.request("POST", "/api/v1/pipelines", {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(missing.status, 422, JSON.stringify(missing.body));
});
