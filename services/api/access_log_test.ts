import assert from "node:assert/strict";
import { configure, getLogger, type LogRecord, reset } from "@logtape/logtape";
import { AsyncLocalStorage } from "node:async_hooks";
import { createTestApi, SEED_BODY } from "./test_api.ts";

Deno.test("access log: one line per request with its fields, never a password or token", async () => {
  const records: LogRecord[] = [];
  await configure({
    reset: true,
    contextLocalStorage: new AsyncLocalStorage(),
    sinks: { memory: (record) => records.push(record) },
    loggers: [
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] },
      { category: ["tickwire"], lowestLevel: "debug", sinks: ["memory"] },
    ],
  });
  try {
    await using api = await createTestApi({}, { log: getLogger(["tickwire", "api"]) });
    const { id: userId, token } = await api.user();
    const created = await api.call("POST", "/api/v1/pipelines", {
      token,
      body: SEED_BODY,
      headers: { "x-request-id": "req-123" },
    });
    assert.equal(created.headers.get("x-request-id"), "req-123");
    await api.call("GET", `/api/v1/pipelines?cursor=${token}`, { token }); // secret in the URL

    const lines = records.map((r) => r.properties);
    const create = lines.find((p) => p.request_id === "req-123");
    assert.ok(create, "the request id is logged");
    assert.equal(create.user_id, userId);
    assert.equal(create.route, "/api/v1/pipelines");
    assert.equal(create.method, "POST");
    assert.equal(create.status, 201);
    assert.equal(typeof create.duration_ms, "number");
    const login = lines.find((p) => p.route === "/api/v1/auth/tokens");
    assert.equal(login?.user_id, null);
    assert.equal(records.length, 4, "one line per request");

    const everything = JSON.stringify(records.map((r) => [r.message, r.properties]));
    assert.ok(!everything.includes(token), "no token");
    assert.ok(!everything.includes("a long enough password"), "no password");
    assert.ok(!everything.includes(token.slice(3, 20)), "no part of a token");
  } finally {
    await reset();
  }
});
