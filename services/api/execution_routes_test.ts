import assert from "node:assert/strict";
import { parseJobFields } from "../../shared/schemas/job.ts";
import { createTestApi, SEED_BODY } from "./test_api.ts";

Deno.test("run: a manual run is claimed, enqueued, and a second one answers 409 naming it", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const { body: pipeline } = await api.call("POST", "/api/v1/pipelines", {
    token,
    body: SEED_BODY,
  });
  const signal = {
    ticker: "aapl",
    signal: "BULLISH",
    confidence: 85,
    emitted_at: "2025-01-02T15:04:05Z",
  };
  const run = await api.call("POST", `/api/v1/pipelines/${pipeline.id}/run`, {
    token,
    body: { signal },
  });
  assert.equal(run.status, 202, JSON.stringify(run.body));
  assert.equal(run.body.status, "queued");
  assert.equal(run.body.trigger_kind, "manual");
  assert.equal(run.body.pipeline_id, pipeline.id);
  assert.equal(run.body.signal_id, null);
  assert.deepEqual(run.body.signal, { ...signal, ticker: "AAPL" });
  assert.equal(run.body.max_attempts, 3);
  assert.equal(run.body.timings.signal_emitted_at, "2025-01-02T15:04:05.000Z");
  assert.ok(run.body.timings.received_at && run.body.timings.queued_at);

  const entries = await api.redis.redis.xrange(api.redis.names.jobsStream, "-", "+");
  assert.equal(entries.length, 1);
  const job = parseJobFields(entries[0]![1]);
  assert.ok(job.ok);
  assert.equal(job.job.execution_id, run.body.id);

  const again = await api.call("POST", `/api/v1/pipelines/${pipeline.id}/run`, { token });
  assert.equal(again.status, 409);
  assert.equal(
    again.body.error,
    `Pipeline "${pipeline.id}" already has an active execution "${run.body.id}"`,
  );
  assert.equal(again.body.active_execution_id, run.body.id);
  assert.equal(await api.redis.redis.xlen(api.redis.names.jobsStream), 1);

  await api.db.sql`update pipeline_executions set status = 'succeeded', finished_at = now()
    where id = ${run.body.id}`;
  const third = await api.call("POST", `/api/v1/pipelines/${pipeline.id}/run`, { token });
  assert.equal(third.status, 202, "a finished run frees the pipeline");
  assert.equal(third.body.signal, null);
});

Deno.test("run: inactive pipelines are not run; bad run bodies answer 422", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const { body: pipeline } = await api.call("POST", "/api/v1/pipelines", {
    token,
    body: { ...SEED_BODY, is_active: false },
  });
  const path = `/api/v1/pipelines/${pipeline.id}/run`;
  const inactive = await api.call("POST", path, { token });
  assert.equal(inactive.status, 409);
  assert.equal(inactive.body.error, `Pipeline "${pipeline.id}" is inactive; activate it to run it`);

  const bad = await api.call("POST", path, {
    token,
    body: { signal: { ticker: "AAPL", signal: "UP", confidence: 500 }, extra: 1 },
  });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.body.details.map((d: { path: string }) => d.path).sort(), [
    "extra",
    "signal.confidence",
    "signal.signal",
  ]);
  assert.equal(await api.redis.redis.xlen(api.redis.names.jobsStream), 0);
});

Deno.test("run: a manual run's signal must be for one of the pipeline's scanner_tickers", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const { body: pipeline } = await api.call("POST", "/api/v1/pipelines", {
    token,
    body: { ...SEED_BODY, scanner_tickers: ["AAPL"] },
  });
  const path = `/api/v1/pipelines/${pipeline.id}/run`;
  const amzn = await api.call("POST", path, {
    token,
    body: { signal: { ticker: "AMZN", signal: "BULLISH", confidence: 80 } },
  });
  assert.equal(amzn.status, 422);
  assert.equal(
    amzn.body.error,
    `signal ticker "AMZN" is not one of the pipeline's scanner_tickers (AAPL)`,
  );
  assert.equal(await api.redis.redis.xlen(api.redis.names.jobsStream), 0);
  const aapl = await api.call("POST", path, {
    token,
    body: { signal: { ticker: "AAPL", signal: "BULLISH", confidence: 80 } },
  });
  assert.equal(aapl.status, 202);
});

Deno.test("executions: listed newest first with pagination, and read one by one", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const { body: pipeline } = await api.call("POST", "/api/v1/pipelines", {
    token,
    body: SEED_BODY,
  });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const [row] = await api.db.sql<[{ id: string }]>`
      insert into pipeline_executions
        (pipeline_id, trigger_kind, status, signal_id, signal, attempts, steps, error,
         queued_at, started_at, finished_at)
      values (${pipeline.id}, 'signal', 'failed', ${`sig-${i}`},
        ${api.db.sql.json({ ticker: "AAPL", signal: "BULLISH", confidence: 80 + i })}, 2,
        ${api.db.sql.json([{ id: "note", status: "failed" }])}, 'step "note" failed',
        now() - make_interval(mins => ${10 - i}), now(), now())
      returning id`;
    ids.push(row.id);
  }
  const page1 = await api.call("GET", `/api/v1/pipelines/${pipeline.id}/executions?limit=2`, {
    token,
  });
  assert.equal(page1.status, 200);
  assert.deepEqual(page1.body.items.map((e: { id: string }) => e.id), [ids[2], ids[1]]);
  const page2 = await api.call(
    "GET",
    `/api/v1/pipelines/${pipeline.id}/executions?limit=2&cursor=${page1.body.next_cursor}`,
    { token },
  );
  assert.deepEqual(page2.body.items.map((e: { id: string }) => e.id), [ids[0]]);
  assert.equal(page2.body.next_cursor, null);

  const one = await api.call("GET", `/api/v1/executions/${ids[0]}`, { token });
  assert.equal(one.status, 200);
  assert.equal(one.body.status, "failed");
  assert.equal(one.body.trigger_kind, "signal");
  assert.equal(one.body.signal_id, "sig-0");
  assert.equal(one.body.signal.confidence, 80);
  assert.equal(one.body.attempts, 2);
  assert.deepEqual(one.body.steps, [{ id: "note", status: "failed" }]);
  assert.equal(one.body.error, 'step "note" failed');
  assert.deepEqual(Object.keys(one.body.timings), [
    "signal_emitted_at",
    "received_at",
    "queued_at",
    "started_at",
    "finished_at",
  ]);
  assert.ok(one.body.timings.finished_at);
  const missing = await api.call("GET", `/api/v1/executions/${crypto.randomUUID()}`, { token });
  assert.equal(missing.status, 404);
});

Deno.test("executions: a list leaves out step outputs unless ?view=full", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const { body: pipeline } = await api.call("POST", "/api/v1/pipelines", {
    token,
    body: SEED_BODY,
  });
  const steps = [{
    id: "note",
    agent: "log",
    status: "succeeded",
    output: { big: "x".repeat(500) },
  }];
  await api.db.sql`
    insert into pipeline_executions (pipeline_id, trigger_kind, status, steps, result, finished_at)
    values (${pipeline.id}, 'manual', 'succeeded', ${api.db.sql.json(steps)},
      ${api.db.sql.json({ halted: null })}, now())`;
  const path = `/api/v1/pipelines/${pipeline.id}/executions`;
  const compact = await api.call("GET", path, { token });
  assert.equal(compact.status, 200);
  assert.deepEqual(compact.body.items[0].steps, [{
    id: "note",
    agent: "log",
    status: "succeeded",
  }]);
  assert.equal("result" in compact.body.items[0], false);
  const full = await api.call("GET", `${path}?view=full`, { token });
  assert.deepEqual(full.body.items[0].steps, steps);
  assert.deepEqual(full.body.items[0].result, { halted: null });
  const bad = await api.call("GET", `${path}?view=everything`, { token });
  assert.equal(bad.status, 400);
});

Deno.test("executions: a rejected run shows its status and the reason its trade was refused", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const { body: pipeline } = await api.call("POST", "/api/v1/pipelines", {
    token,
    body: SEED_BODY,
  });
  const reason = "Paper order rejected: insufficient cash";
  const [row] = await api.db.sql<{ id: string }[]>`
    insert into pipeline_executions (pipeline_id, trigger_kind, status, steps, result, finished_at)
    values (${pipeline.id}, 'manual', 'rejected',
      ${api.db.sql.json([{ id: "order", agent: "paper_order", status: "rejected" }])},
      ${api.db.sql.json({ halted: { step: "order", reason, outcome: "rejected" } })}, now())
    returning id`;
  const compact = await api.call("GET", `/api/v1/pipelines/${pipeline.id}/executions`, { token });
  assert.equal(compact.status, 200, JSON.stringify(compact.body));
  assert.equal(compact.body.items[0].status, "rejected");
  assert.equal(compact.body.items[0].reason, reason);
  const one = await api.call("GET", `/api/v1/executions/${row!.id}`, { token });
  assert.deepEqual([one.body.status, one.body.reason], ["rejected", reason]);
});

Deno.test("dispatch stats: the dispatcher's counters by reason, zero when never counted", async () => {
  await using api = await createTestApi();
  const { token } = await api.user();
  const { body: pipeline } = await api.call("POST", "/api/v1/pipelines", {
    token,
    body: SEED_BODY,
  });
  const path = `/api/v1/pipelines/${pipeline.id}/dispatch-stats`;
  const empty = await api.call("GET", path, { token });
  assert.deepEqual(empty.body, {
    pipeline_id: pipeline.id,
    counts: { matched: 0, filtered: 0, stale: 0, skipped_busy: 0, claimed: 0 },
  });
  const stats = api.redis.names.dispatchStats;
  await api.redis.redis.hincrby(stats, `${pipeline.id}:matched`, 7);
  await api.redis.redis.hincrby(stats, `${pipeline.id}:claimed`, 3);
  await api.redis.redis.hincrby(stats, `${crypto.randomUUID()}:matched`, 99);
  const counted = await api.call("GET", path, { token });
  assert.deepEqual(counted.body.counts, {
    matched: 7,
    filtered: 0,
    stale: 0,
    skipped_busy: 0,
    claimed: 3,
  });
});
