import assert from "node:assert/strict";
import { createTestApi, SEED_BODY } from "./test_api.ts";

type Detail = { path: string; message: string };

/** Each invalid body with the one detail it must produce (the seed body plus `change`). */
const INVALID: [string, Record<string, unknown>, Detail][] = [
  ["name missing", { name: undefined }, {
    path: "name",
    message: "Invalid input: expected string, received undefined",
  }],
  ["name blank", { name: "   " }, { path: "name", message: "must not be empty" }],
  ["trigger_mode unknown", { trigger_mode: "hourly" }, {
    path: "trigger_mode",
    message: 'must be "signal" or "periodic"',
  }],
  ["ticker not symbol-shaped", { scanner_tickers: ["AAPL", "NOT A TICKER"] }, {
    path: "scanner_tickers.1",
    message: "must be a ticker symbol such as AAPL, BRK.B or BTC-USD",
  }],
  ["ticker not a string", { scanner_tickers: [42] }, {
    path: "scanner_tickers.0",
    message: "Invalid input: expected string, received number",
  }],
  ["too many tickers", { scanner_tickers: ["A", "B", "C", "D"] }, {
    path: "scanner_tickers",
    message: "must have at most 3 tickers",
  }],
  ["signal mode without tickers", { scanner_tickers: [] }, {
    path: "scanner_tickers",
    message: 'must name at least one ticker when trigger_mode is "signal"',
  }],
  ["periodic without schedule", { trigger_mode: "periodic" }, {
    path: "schedule",
    message: 'is required when trigger_mode is "periodic"',
  }],
  ["signal mode with schedule", { schedule: { every_seconds: 60 } }, {
    path: "schedule",
    message: 'must be null when trigger_mode is "signal" (only periodic pipelines run on one)',
  }],
  ["schedule too frequent", { trigger_mode: "periodic", schedule: { every_seconds: 5 } }, {
    path: "schedule.every_seconds",
    message: "Too small: expected number to be >=10",
  }],
  ["schedule with an empty cron", { trigger_mode: "periodic", schedule: { cron: " " } }, {
    path: "schedule.cron",
    message: "Too small: expected string to have >=1 characters",
  }],
  ["schedule with a cron croner rejects", {
    trigger_mode: "periodic",
    schedule: { cron: "61 * * * *" },
  }, {
    path: "schedule.cron",
    message: 'invalid cron "61 * * * *": CronPattern: Invalid value for minute: 61',
  }],
  ["schedule of neither kind", { trigger_mode: "periodic", schedule: { every: 60 } }, {
    path: "schedule",
    message: 'must be {"every_seconds": N} with N ≥ 10, or {"cron": "<expression>"}',
  }],
  ["unknown field", { owner_id: "someone" }, { path: "owner_id", message: "is not a known field" }],
  ["overlap_policy unknown", { overlap_policy: "queue" }, {
    path: "overlap_policy",
    message: 'must be "skip", "buffer_one" or "allow"',
  }],
  ["signal filter type", { signal_filter: { signals: ["SIDEWAYS"] } }, {
    path: "signal_filter.signals.0",
    message: 'Invalid option: expected one of "BULLISH"|"BEARISH"',
  }],
  ["signal filter confidence", { signal_filter: { min_confidence: 101 } }, {
    path: "signal_filter.min_confidence",
    message: "Too big: expected number to be <=100",
  }],
  ["signal filter unknown key", { signal_filter: { tickers: ["AAPL"] } }, {
    path: "signal_filter.tickers",
    message: "is not a known field",
  }],
  ["max_signal_age_seconds zero", { max_signal_age_seconds: 0 }, {
    path: "max_signal_age_seconds",
    message: "Too small: expected number to be >=1",
  }],
  ["max_attempts zero", { max_attempts: 0 }, {
    path: "max_attempts",
    message: "Too small: expected number to be >=1",
  }],
  ["max_attempts above 100", { max_attempts: 101 }, {
    path: "max_attempts",
    message: "Too big: expected number to be <=100",
  }],
  ["max_attempts fractional", { max_attempts: 2.5 }, {
    path: "max_attempts",
    message: "Invalid input: expected int, received number",
  }],
  ["is_active not boolean", { is_active: "yes" }, {
    path: "is_active",
    message: "Invalid input: expected boolean, received string",
  }],
  ["config unknown key", { config: { steps: [], retries: 3 } }, {
    path: "config.retries",
    message: "is not a known field",
  }],
  ["step unknown agent", { config: { steps: [{ id: "buy", agent: "no_such_agent" }] } }, {
    path: "config.steps.0.agent",
    message: 'unknown agent "no_such_agent"; known: ',
  }],
  ["step params per agent", {
    config: { steps: [{ id: "note", agent: "log", params: { level: "loud" } }] },
  }, {
    path: "config.steps.0.params.level",
    message: 'Invalid option: expected one of "debug"|"info"|"warning"',
  }],
  ["step id shape", { config: { steps: [{ id: "Note", agent: "log" }] } }, {
    path: "config.steps.0.id",
    message: "must be snake_case, e.g. size_position",
  }],
  [
    "step ids unique",
    { config: { steps: [{ id: "a", agent: "log" }, { id: "a", agent: "log" }] } },
    { path: "config.steps.1.id", message: 'duplicate step id "a"' },
  ],
];

Deno.test("validation: each rule answers 422 with its detail, and stores nothing", async () => {
  await using api = await createTestApi({ API_MAX_TICKERS: 3 });
  const { token } = await api.user();
  for (const [rule, change, detail] of INVALID) {
    const res = await api.call("POST", "/api/v1/pipelines", {
      token,
      body: { ...SEED_BODY, ...change },
    });
    assert.equal(res.status, 422, rule);
    assert.equal(res.body.error, "Invalid request body", rule);
    assert.equal(res.body.details.length, 1, `${rule}: ${JSON.stringify(res.body.details)}`);
    assert.equal(res.body.details[0].path, detail.path, rule);
    assert.ok(
      res.body.details[0].message.startsWith(detail.message),
      `${rule}: ${res.body.details[0].message}`,
    );
  }
  const [{ count }] = await api.db.sql<[{ count: number }]>`select count(*)::int from pipelines`;
  assert.equal(count, 0);
});

Deno.test("validation: several problems are all listed", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const res = await api.call("POST", "/api/v1/pipelines", {
    token,
    body: { name: "", trigger_mode: "signal", max_attempts: 0, extra: 1 },
  });
  assert.equal(res.status, 422);
  assert.deepEqual(res.body.details.map((d: Detail) => d.path).sort(), [
    "extra",
    "max_attempts",
    "name",
    "scanner_tickers",
  ]);
});

Deno.test("validation: tickers are trimmed, upper-cased and de-duplicated", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const res = await api.call("POST", "/api/v1/pipelines", {
    token,
    body: { ...SEED_BODY, scanner_tickers: [" aapl ", "AAPL", "brk.b", "btc-usd", "MSFT", "msft"] },
  });
  assert.equal(res.status, 201);
  assert.deepEqual(res.body.scanner_tickers, ["AAPL", "BRK.B", "BTC-USD", "MSFT"]);
});

Deno.test("validation: a PATCH is checked against the pipeline it would produce", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const { body } = await api.call("POST", "/api/v1/pipelines", { token, body: SEED_BODY });
  const path = `/api/v1/pipelines/${body.id}`;
  const periodic = await api.call("PATCH", path, { token, body: { trigger_mode: "periodic" } });
  assert.equal(periodic.status, 422);
  assert.deepEqual(periodic.body.details, [
    { path: "schedule", message: 'is required when trigger_mode is "periodic"' },
  ]);
  const noTickers = await api.call("PATCH", path, { token, body: { scanner_tickers: [] } });
  assert.equal(noTickers.status, 422);
  assert.equal(noTickers.body.details[0].path, "scanner_tickers");
  const unknown = await api.call("PATCH", path, { token, body: { id: "x" } });
  assert.deepEqual(unknown.body.details, [{ path: "id", message: "is not a known field" }]);
  assert.deepEqual((await api.call("GET", path, { token })).body, body, "unchanged");
});

Deno.test("validation: malformed input never answers 500", async () => {
  await using api = await createTestApi({ API_MAX_BODY_BYTES: 2048 });
  const { token } = await api.user();
  const post = (raw: string, headers: Record<string, string> = {}) =>
    api.call("POST", "/api/v1/pipelines", { token, raw, headers });
  const malformed = await post('{"name": ');
  assert.equal(malformed.status, 400);
  assert.deepEqual(malformed.body, { error: "Malformed JSON in request body", details: [] });
  const array = await post("[1, 2]");
  assert.equal(array.status, 422);
  assert.equal(array.body.details[0].message, "Invalid input: expected object, received array");
  const form = await post("name=x", { "content-type": "application/x-www-form-urlencoded" });
  assert.equal(form.status, 415);
  assert.equal(
    form.body.error,
    'Content-Type must be application/json, not "application/x-www-form-urlencoded"',
  );
  const big = await post(JSON.stringify({ ...SEED_BODY, description: "x".repeat(4000) }));
  assert.equal(big.status, 413);
  assert.equal(big.body.error, "Request body exceeds 2048 bytes");

  const badId = await api.call("GET", "/api/v1/pipelines/not-a-uuid", { token });
  assert.equal(badId.status, 404);
  const badQuery = await api.call(
    "GET",
    "/api/v1/pipelines?limit=0&trigger_mode=x&is_active=maybe",
    { token },
  );
  assert.equal(badQuery.status, 400);
  assert.deepEqual(badQuery.body.details.map((d: Detail) => d.path).sort(), [
    "is_active",
    "limit",
    "trigger_mode",
  ]);
  const badCursor = await api.call("GET", "/api/v1/pipelines?cursor=abc", { token });
  assert.equal(badCursor.status, 400);
  assert.deepEqual(badCursor.body.details, [{
    path: "cursor",
    message: "is not a cursor this API returned",
  }]);
  const unknownRoute = await api.call("GET", "/api/v1/nothing", { token });
  assert.equal(unknownRoute.status, 404);
});

Deno.test("validation: text Postgres cannot store (NUL, lone surrogates) is a 422 naming the field", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const body = {
    ...SEED_BODY,
    name: "nul\u0000name",
    config: {
      steps: [{ id: "note", agent: "log", params: { message: "half \ud800 a pair" } }],
    },
  };
  const res = await api.call("POST", "/api/v1/pipelines", { token, body });
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.deepEqual(res.body.details.map((d: Detail) => d.path).sort(), [
    "config.steps.0.params.message",
    "name",
  ]);
  assert.match(res.body.details[0].message, /Postgres cannot store/);
  const [row] = await api.db.sql<[{ count: number }]>`select count(*)::int from pipelines`;
  assert.equal(row.count, 0);
  // A key counts too, and so does every route's body.
  const run = await api.call("POST", "/api/v1/auth/register", {
    body: { email: "a@example.com", password: "long enough\u0000password" },
  });
  assert.equal(run.status, 422, JSON.stringify(run.body));
  assert.deepEqual(run.body.details.map((d: Detail) => d.path), ["password"]);
});
