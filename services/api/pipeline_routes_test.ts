import assert from "node:assert/strict";
import { PIPELINE_CHANGES_CHANNEL } from "../../shared/names.ts";
import { pipelineChangeSchema } from "../../shared/schemas/pipeline.ts";
import { createTestApi, SEED_BODY } from "./test_api.ts";

Deno.test("pipelines: the seed's body creates a pipeline with every default filled in", async () => {
  await using api = await createTestApi();
  const { id: owner, token } = await api.user();
  const res = await api.call("POST", "/api/v1/pipelines", { token, body: SEED_BODY });
  assert.equal(res.status, 201);
  const { id, created_at, updated_at, ...rest } = res.body;
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.ok(Date.parse(created_at) <= Date.parse(updated_at));
  assert.deepEqual(rest, {
    ...SEED_BODY,
    owner_id: owner,
    config: { steps: [{ id: "note", agent: "log", params: { message: "signal received" } }] },
    schedule: null,
    overlap_policy: "skip",
    signal_filter: null,
    max_signal_age_seconds: null,
    listen_to: null,
    max_attempts: 3,
    account: null,
  });
  const stored = await api.call("GET", `/api/v1/pipelines/${id}`, { token });
  assert.deepEqual(stored.body, res.body);
});

Deno.test("pipelines: the paper account is named once, on the pipeline", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const body = { ...SEED_BODY, account: "swing" };
  const res = await api.call("POST", "/api/v1/pipelines", { token, body });
  assert.equal(res.status, 201);
  assert.equal(res.body.account, "swing");
  const bad = await api.call("POST", "/api/v1/pipelines", {
    token,
    body: { ...SEED_BODY, account: "" },
  });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.body.details.map((d: { path: string }) => d.path), ["account"]);
});

Deno.test("pipelines: config defaults to no steps; every optional field is stored", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const { config: _config, ...withoutConfig } = SEED_BODY;
  const bare = await api.call("POST", "/api/v1/pipelines", { token, body: withoutConfig });
  assert.equal(bare.status, 201);
  assert.deepEqual(bare.body.config, { steps: [] });

  const full = {
    name: "Hourly",
    trigger_mode: "periodic",
    schedule: { every_seconds: 3600 },
    overlap_policy: "buffer_one",
    signal_filter: { signals: ["BULLISH"], min_confidence: 70, scanners: ["rsi"] },
    max_signal_age_seconds: 120,
    max_attempts: 5,
    is_active: false,
  };
  const res = await api.call("POST", "/api/v1/pipelines", { token, body: full });
  assert.equal(res.status, 201);
  for (const [key, value] of Object.entries(full)) assert.deepEqual(res.body[key], value, key);
  assert.deepEqual(res.body.scanner_tickers, []);
  const cron = await api.call("POST", "/api/v1/pipelines", {
    token,
    body: { name: "Open", trigger_mode: "periodic", schedule: { cron: "30 9 * * 1-5" } },
  });
  assert.equal(cron.status, 201);
  assert.deepEqual(cron.body.schedule, { cron: "30 9 * * 1-5" });
});

Deno.test("pipelines: PUT replaces, PATCH changes some fields, DELETE removes", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const created = await api.call("POST", "/api/v1/pipelines", { token, body: SEED_BODY });
  const path = `/api/v1/pipelines/${created.body.id}`;

  const put = await api.call("PUT", path, {
    token,
    body: { name: "Renamed", trigger_mode: "signal", scanner_tickers: ["nvda"] },
  });
  assert.equal(put.status, 200);
  assert.equal(put.body.name, "Renamed");
  assert.equal(put.body.description, "", "PUT resets omitted fields to their defaults");
  assert.deepEqual(put.body.scanner_tickers, ["NVDA"]);
  assert.deepEqual(put.body.config, { steps: [] });
  assert.equal(put.body.created_at, created.body.created_at);
  assert.ok(Date.parse(put.body.updated_at) >= Date.parse(created.body.updated_at));

  const pause = await api.call("PATCH", path, { token, body: { is_active: false } });
  assert.equal(pause.status, 200);
  assert.equal(pause.body.is_active, false);
  assert.equal(pause.body.name, "Renamed", "PATCH keeps other fields");
  const toPeriodic = await api.call("PATCH", path, {
    token,
    body: { trigger_mode: "periodic", schedule: { every_seconds: 60 }, scanner_tickers: [] },
  });
  assert.equal(toPeriodic.status, 200);
  assert.deepEqual(toPeriodic.body.schedule, { every_seconds: 60 });

  assert.equal((await api.call("DELETE", path, { token })).status, 204);
  assert.equal((await api.call("GET", path, { token })).status, 404);
  assert.equal((await api.call("DELETE", path, { token })).status, 404);
});

Deno.test("pipelines: every change is announced on the changes channel in its transaction", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const heard: unknown[] = [];
  const listener = await api.db.sql.listen(PIPELINE_CHANGES_CHANNEL, (payload) => {
    heard.push(pipelineChangeSchema.parse(JSON.parse(payload)));
  });
  try {
    const { body } = await api.call("POST", "/api/v1/pipelines", { token, body: SEED_BODY });
    const path = `/api/v1/pipelines/${body.id}`;
    await api.call("PATCH", path, { token, body: { is_active: false } });
    await api.call("PUT", path, { token, body: SEED_BODY });
    // A refused change is not announced.
    assert.equal((await api.call("PATCH", path, { token, body: { max_attempts: 0 } })).status, 422);
    await api.call("DELETE", path, { token });
    const expected = [
      { op: "upsert", id: body.id },
      { op: "upsert", id: body.id },
      { op: "upsert", id: body.id },
      { op: "delete", id: body.id },
    ];
    const deadline = Date.now() + 5000;
    while (heard.length < expected.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(heard, expected, "notifications within 5 s");
  } finally {
    await listener.unlisten();
  }
});

Deno.test("pipelines: list is newest first, filtered and paginated", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const create = async (body: Record<string, unknown>) =>
    (await api.call("POST", "/api/v1/pipelines", { token, body: { ...SEED_BODY, ...body } })).body
      .id as string;
  const a = await create({ name: "a", scanner_tickers: ["AAPL"] });
  const b = await create({ name: "b", scanner_tickers: ["MSFT"], is_active: false });
  const c = await create({
    name: "c",
    trigger_mode: "periodic",
    scanner_tickers: [],
    schedule: { every_seconds: 10 },
  });
  const ids = async (query: string) => {
    const res = await api.call("GET", `/api/v1/pipelines${query}`, { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.items.map((p: { id: string }) => p.id);
  };
  assert.deepEqual(await ids(""), [c, b, a]);
  assert.deepEqual(await ids("?trigger_mode=signal"), [b, a]);
  assert.deepEqual(await ids("?is_active=false"), [b]);
  assert.deepEqual(await ids("?ticker=%20aapl"), [a]);
  assert.deepEqual(await ids("?trigger_mode=periodic&is_active=true"), [c]);

  const first = await api.call("GET", "/api/v1/pipelines?limit=2", { token });
  assert.deepEqual(first.body.items.map((p: { id: string }) => p.id), [c, b]);
  assert.equal(typeof first.body.next_cursor, "string");
  const second = await api.call(
    "GET",
    `/api/v1/pipelines?limit=2&cursor=${first.body.next_cursor}`,
    {
      token,
    },
  );
  assert.deepEqual(second.body.items.map((p: { id: string }) => p.id), [a]);
  assert.equal(second.body.next_cursor, null);
});

Deno.test("pipelines: another user's pipeline answers 404 on every route", async () => {
  await using api = await createTestApi();
  const alice = await api.user();
  const mallory = await api.user();
  const { body: pipeline } = await api.call("POST", "/api/v1/pipelines", {
    token: alice.token,
    body: SEED_BODY,
  });
  const [execution] = await api.db.sql`
    insert into pipeline_executions (pipeline_id, trigger_kind, status, finished_at)
    values (${pipeline.id}, 'manual', 'succeeded', now()) returning id`;
  const p = `/api/v1/pipelines/${pipeline.id}`;
  const routes: [string, string, unknown?][] = [
    ["GET", p],
    ["PUT", p, SEED_BODY],
    ["PATCH", p, { is_active: false }],
    ["DELETE", p],
    ["POST", `${p}/run`],
    ["GET", `${p}/executions`],
    ["GET", `${p}/dispatch-stats`],
    ["GET", `/api/v1/executions/${execution!.id}`],
  ];
  for (const [method, path, body] of routes) {
    const res = await api.call(method, path, { token: mallory.token, body });
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.match(res.body.error, /^(Pipeline|Execution) "[0-9a-f-]{36}" not found$/);
  }
  const paper = await api.call("GET", "/api/v1/paper/accounts");
  assert.equal(paper.status, 401, "paper routes need a token too");
  const list = await api.call("GET", "/api/v1/pipelines", { token: mallory.token });
  assert.deepEqual(list.body.items, []);
  const own = await api.call("GET", p, { token: alice.token });
  assert.deepEqual(own.body, pipeline, "nothing changed");
  const [{ count }] = await api.db.sql<[{ count: number }]>`
    select count(*)::int from pipeline_executions`;
  assert.equal(count, 1, "mallory's run created nothing");
});
