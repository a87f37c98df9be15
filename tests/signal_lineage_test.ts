/**
 * The signal log end to end: seed-format signals from a plain Kafka producer go through a real
 * dispatcher into Postgres, and the API explains, per caller, what happened to each of them.
 */
import assert from "node:assert/strict";
import { serviceLogger } from "../shared/logging.ts";
import { pollUntil } from "../shared/poll_until.ts";
import { createDispatcher } from "../services/dispatcher/dispatcher.ts";
import { createTestApi, SEED_BODY, type TestApi } from "../services/api/test_api.ts";
import { createTestKafka, type TestKafka } from "./fixtures/kafka.ts";

interface Stack extends AsyncDisposable {
  api: TestApi;
  k: TestKafka;
  /** Starts the dispatcher (its index then holds every pipeline created before). */
  start(): void;
  committed(): Promise<boolean>;
  produce(values: unknown[]): Promise<void>;
}

async function stack(): Promise<Stack> {
  const api = await createTestApi();
  const k = await createTestKafka(2);
  const deadLetterTopic = await k.createTopic(1);
  const groupId = `${k.topic}-g`;
  const admin = k.kafka.admin();
  await admin.connect();
  // The group starts at offset 0: nothing produced before it joins is skipped.
  await admin.setOffsets({
    groupId,
    topic: k.topic,
    partitions: [0, 1].map((partition) => ({ partition, offset: "0" })),
  });
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  const start = () => {
    running = createDispatcher({
      config: {
        KAFKA_SIGNAL_TOPIC: k.topic,
        KAFKA_DEAD_LETTER_TOPIC: deadLetterTopic,
        KAFKA_CONSUMER_GROUP: groupId,
        BATCH_SIZE: 20,
        BATCH_TIMEOUT_SECONDS: 0.2,
        BATCH_MAX_SIZE: 5000,
        BATCH_MAX_FLUSHES_PER_SECOND: 30,
        CACHE_REFRESH_INTERVAL_SECONDS: 30,
        SWEEP_INTERVAL_SECONDS: 3600,
        SWEEP_MIN_AGE_SECONDS: 3600,
        WORKER_VISIBILITY_TIMEOUT_SECONDS: 60,
        JOBS_STREAM_MAX_LENGTH: 10_000,
        SIGNAL_RETENTION_DAYS: 30,
        DISPATCHER_STALL_SECONDS: 60,
      },
      sql: api.db.sql,
      redis: api.redis.redis,
      kafka: k.kafka,
      names: api.redis.names,
      log: serviceLogger("dispatcher", "test"),
      retry: { baseMs: 50, maxMs: 200 },
    }).run(controller.signal);
  };
  const producer = k.kafka.producer();
  await producer.connect();
  return {
    api,
    k,
    start,
    // A plain producer, as any Kafka client would send the seed's format.
    produce: async (values) => {
      await producer.send({
        topic: k.topic,
        acks: -1,
        messages: values.map((v) => ({ key: "AAPL", value: JSON.stringify(v) })),
      });
    },
    committed: async () => {
      const ends = await admin.fetchTopicOffsets(k.topic);
      const [group] = await admin.fetchOffsets({ groupId, topics: [k.topic] });
      return ends.every((e) =>
        group!.partitions.find((c) => c.partition === e.partition)?.offset === e.high
      );
    },
    [Symbol.asyncDispose]: async () => {
      controller.abort();
      await running;
      await producer.disconnect();
      await admin.disconnect();
      await k.cleanup();
      await api[Symbol.asyncDispose]();
    },
  };
}

const WAIT = { timeoutMs: 30_000, intervalMs: 50 };
const AAPL = { ticker: "AAPL", signal: "BULLISH", confidence: 85 };

Deno.test("signal lineage: log entry, claimed, filtered by min_confidence, skipped_busy, stale, owner-scoped, funnel and latency", async () => {
  await using s = await stack();
  const { api } = s;
  const alice = await api.user();
  const bob = await api.user();
  const pipeline = async (token: string, fields: Record<string, unknown>) => {
    const res = await api.call("POST", "/api/v1/pipelines", {
      token,
      body: { ...SEED_BODY, ...fields },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const trader = await pipeline(alice.token, { name: "A trader" });
  const picky = await pipeline(alice.token, {
    name: "B picky",
    signal_filter: { min_confidence: 90 },
  });
  const fresh = await pipeline(alice.token, { name: "C fresh", max_signal_age_seconds: 60 });
  const bobs = await pipeline(bob.token, { name: "Bob's" });
  const startedAt = new Date(Date.now() - 1000).toISOString();
  s.start();
  await s.produce([{ tickers: [AAPL] }]);
  await pollUntil("the first signal", async () => await s.committed() || undefined, WAIT);
  const first = await api.call("GET", "/api/v1/signals?ticker=AAPL", { token: alice.token });
  assert.equal(first.status, 200);
  assert.equal(first.body.items.length, 1);
  const logged = first.body.items[0];
  assert.match(logged.signal_id, /^kafka:twtest-[^:]+:\d:0:0$/);
  assert.equal(logged.origin.topic, s.k.topic);
  assert.equal(logged.origin.offset, "0");
  assert.equal(typeof logged.origin.partition, "number");
  assert.equal(logged.confidence, 85);
  assert.ok(logged.received_at >= logged.emitted_at);

  const detail = await api.call(
    "GET",
    `/api/v1/signals/${encodeURIComponent(logged.signal_id)}`,
    { token: alice.token },
  );
  assert.equal(detail.status, 200, JSON.stringify(detail.body));
  const byPipeline = new Map(
    detail.body.decisions.map((d: { pipeline_id: string }) => [d.pipeline_id, d]),
  );
  assert.deepEqual([...byPipeline.keys()].sort(), [trader, picky, fresh].sort());
  const [execution] = await api.db.sql<{ id: string }[]>`
    select id from pipeline_executions where pipeline_id = ${trader}`;
  const claimed = byPipeline.get(trader) as Record<string, unknown>;
  assert.equal(claimed.decision, "claimed");
  assert.equal(claimed.execution_id, execution!.id);
  assert.equal((claimed.execution as { id: string }).id, execution!.id);
  const filtered = byPipeline.get(picky) as Record<string, unknown>;
  assert.equal(filtered.decision, "filtered");
  assert.equal(filtered.condition, "min_confidence");
  assert.equal(filtered.execution, null);

  // Bob sees the signal, and only his own pipeline's decision.
  const bobView = await api.call(
    "GET",
    `/api/v1/signals/${encodeURIComponent(logged.signal_id)}`,
    { token: bob.token },
  );
  assert.deepEqual(
    bobView.body.decisions.map((d: { pipeline_id: string }) => d.pipeline_id),
    [bobs],
  );
  assert.equal(
    (await api.call("GET", `/api/v1/pipelines/${trader}/decisions`, { token: bob.token })).status,
    404,
  );

  // The trader's run is still queued (no worker): the next signal finds it busy; an old one is
  // stale for the pipeline with a 60 s limit.
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  await s.produce([
    { ...AAPL, signal_id: "busy-1" },
    { ...AAPL, signal_id: "old-1", confidence: 95, emitted_at: hourAgo },
  ]);
  await pollUntil("the next signals", async () => await s.committed() || undefined, WAIT);
  const busy = await api.call("GET", "/api/v1/signals/busy-1", { token: alice.token });
  const busyTrader = busy.body.decisions.find((d: { pipeline_id: string }) =>
    d.pipeline_id === trader
  );
  assert.equal(busyTrader.decision, "skipped_busy");
  assert.equal(busyTrader.busy_execution_id, execution!.id);
  const old = await api.call("GET", "/api/v1/signals/old-1", { token: alice.token });
  const stale = old.body.decisions.find((d: { pipeline_id: string }) => d.pipeline_id === fresh);
  assert.equal(stale.decision, "stale");
  assert.equal(stale.max_signal_age_seconds, 60);
  assert.ok(stale.age_seconds >= 3600);

  const decisions = await api.call("GET", `/api/v1/pipelines/${picky}/decisions`, {
    token: alice.token,
  });
  assert.deepEqual(
    decisions.body.items.map((d: { signal_id: string; decision: string }) => [
      d.signal_id,
      d.decision,
    ]),
    // old-1 passes min_confidence and the picky pipeline was idle; the others are filtered.
    [["old-1", "claimed"], ["busy-1", "filtered"], [logged.signal_id, "filtered"]],
  );

  // The funnel: each of Alice's pipelines saw the three signals sent.
  const funnel = await api.call(
    "GET",
    `/api/v1/analytics/funnel?group_by=pipeline&from=${encodeURIComponent(startedAt)}`,
    { token: alice.token },
  );
  assert.equal(funnel.status, 200, JSON.stringify(funnel.body));
  const groups = new Map(funnel.body.groups.map((g: { key: string }) => [g.key, g]));
  assert.deepEqual([...groups.keys()].sort(), [trader, picky, fresh].sort());
  for (const g of funnel.body.groups) {
    assert.equal(g.signals, 3);
    assert.equal(g.filtered + g.stale + g.skipped_busy + g.claimed, 3, JSON.stringify(g));
    assert.equal(g.matched, g.claimed + g.skipped_busy);
  }
  const traderCounts = groups.get(trader) as Record<string, number>;
  assert.deepEqual([traderCounts.claimed, traderCounts.skipped_busy], [1, 2]);
  const pickyCounts = groups.get(picky) as Record<string, unknown>;
  assert.deepEqual(pickyCounts.filtered_by, {
    signal_type: 0,
    min_confidence: 2,
    max_confidence: 0,
    scanner: 0,
    source: 0,
  });
  const byDirection = await api.call(
    "GET",
    `/api/v1/analytics/funnel?group_by=direction&from=${encodeURIComponent(startedAt)}`,
    { token: bob.token },
  );
  assert.deepEqual(
    byDirection.body.groups.map((g: { key: string; signals: number }) => [g.key, g.signals]),
    [["BULLISH", 3]],
  );

  // Latency: the claimed run's stages, from the recorded timestamps.
  const latency = await api.call(
    "GET",
    `/api/v1/analytics/latency?from=${encodeURIComponent(startedAt)}`,
    { token: alice.token },
  );
  assert.equal(latency.status, 200, JSON.stringify(latency.body));
  const rows = await api.db.sql<{ pipeline_id: string; received: number; claimed: number }[]>`
    select e.pipeline_id,
      extract(epoch from l.received_at - l.emitted_at)::float8 * 1000 as received,
      extract(epoch from e.queued_at - l.received_at)::float8 * 1000 as claimed
    from signal_log l join pipeline_executions e on e.signal_id = l.signal_id
    where e.pipeline_id in ${api.db.sql([trader, picky, fresh])}`;
  assert.equal(rows.length, 3, "trader and fresh claimed the first signal, picky old-1");
  const median = (values: number[]) => values.sort((x, y) => x - y)[1]!;
  const round = (v: number) => Math.round(v * 10) / 10;
  const overall = latency.body.overall;
  assert.equal(overall.received_to_claimed.samples, 3);
  assert.equal(overall.received_to_claimed.p50_ms, round(median(rows.map((r) => r.claimed))));
  assert.equal(overall.emitted_to_received.p50_ms, round(median(rows.map((r) => r.received))));
  assert.equal(overall.claimed_to_enqueued.samples, 0, "no worker started them");
  assert.equal(overall.enqueued_to_started.samples, 0, "no worker ran them");
  const traderRow = rows.find((r) => r.pipeline_id === trader)!;
  const traderStages =
    latency.body.pipelines.find((p: { pipeline_id: string }) => p.pipeline_id === trader).stages;
  assert.equal(traderStages.received_to_claimed.p99_ms, round(traderRow.claimed));
  assert.deepEqual(
    latency.body.pipelines.map((p: { pipeline_id: string }) => p.pipeline_id).sort(),
    [trader, picky, fresh].sort(),
  );
  const bobLatency = await api.call("GET", "/api/v1/analytics/latency", { token: bob.token });
  assert.deepEqual(
    bobLatency.body.pipelines.map((p: { pipeline_id: string }) => p.pipeline_id),
    [bobs],
  );

  // A worker's outcome and order reach the funnel and the latency (rows as a worker leaves them).
  await api.db.sql`
    update pipeline_executions
    set status = 'succeeded', enqueued_at = queued_at + interval '5 ms',
      started_at = queued_at + interval '15 ms', finished_at = queued_at + interval '40 ms',
      attempts = 1
    where id = ${execution!.id}`;
  const [account] = await api.db.sql<{ id: string }[]>`
    insert into paper_accounts (owner_id, name, starting_cash, cash)
    values (${alice.id}, 'default', 1000, 1000) returning id`;
  await api.db.sql`
    insert into paper_orders (account_id, execution_id, step_id, ticker, side, quantity,
      requested_price, fill_price, status)
    values (${account!.id}, ${execution!.id}, 'buy', 'AAPL', 'buy', 1, 100, 100, 'filled')`;
  const after = await api.call(
    "GET",
    `/api/v1/analytics/funnel?group_by=ticker&from=${encodeURIComponent(startedAt)}`,
    { token: alice.token },
  );
  assert.deepEqual(
    after.body.groups.map((
      g: Record<string, unknown>,
    ) => [g.key, g.claimed, g.succeeded, g.orders]),
    [["AAPL", 3, 1, 1]],
  );
  const finished = await api.call(
    "GET",
    `/api/v1/analytics/latency?from=${encodeURIComponent(startedAt)}`,
    { token: alice.token },
  );
  const one = (ms: number) => ({ samples: 1, p50_ms: ms, p95_ms: ms, p99_ms: ms });
  assert.deepEqual(finished.body.overall.claimed_to_enqueued, one(5));
  assert.deepEqual(finished.body.overall.enqueued_to_started, one(10));
  assert.deepEqual(finished.body.overall.started_to_finished, one(25));
  const lineage = await api.call(
    "GET",
    `/api/v1/signals/${encodeURIComponent(logged.signal_id)}`,
    { token: alice.token },
  );
  const claimedNow = lineage.body.decisions.find((d: { pipeline_id: string }) =>
    d.pipeline_id === trader
  );
  assert.equal(claimedNow.execution.status, "succeeded");
  assert.deepEqual(claimedNow.execution.orders.map((o: { status: string }) => o.status), [
    "filled",
  ]);
});

Deno.test("signal lineage: a confluence that fires on a busy pipeline shows its contributors skipped_busy", async () => {
  await using s = await stack();
  const { api } = s;
  const alice = await api.user();
  const res = await api.call("POST", "/api/v1/pipelines", {
    token: alice.token,
    body: {
      ...SEED_BODY,
      name: "Confluence",
      listen_to: {
        public: true,
        sources: "all",
        confluence: { k: 2, of: ["golden_cross", "rsi"], within_seconds: 60, ordered: false },
      },
    },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const pipeline = res.body.id as string;
  s.start();
  // Two minutes ago a quorum fires and is claimed; its run stays queued (no worker). Now a new
  // quorum (the window re-armed) fires while that run holds the slot; a third signal inside the
  // new fire's window forms no second fire.
  const at = (ms: number) => new Date(Date.now() + ms).toISOString();
  const signal = (id: string, scanner: string, emittedAt: string) => ({
    ...AAPL,
    signal_id: id,
    scanner,
    emitted_at: emittedAt,
  });
  await s.produce([
    signal("gc-1", "golden_cross", at(-121_000)),
    signal("rsi-1", "rsi", at(-120_000)),
  ]);
  await pollUntil("the first quorum", async () => await s.committed() || undefined, WAIT);
  await s.produce([
    signal("gc-2", "golden_cross", at(-2_000)),
    signal("rsi-2", "rsi", at(-1_000)),
    signal("rsi-3", "rsi", at(0)),
  ]);
  await pollUntil("the second quorum", async () => await s.committed() || undefined, WAIT);
  const runs = await api.db.sql<{ id: string }[]>`
    select id from pipeline_executions where pipeline_id = ${pipeline}`;
  assert.equal(runs.length, 1, "the busy fire was not claimed");
  const decision = async (id: string) => {
    const detail = await api.call("GET", `/api/v1/signals/${id}`, { token: alice.token });
    assert.equal(detail.status, 200, JSON.stringify(detail.body));
    const [d] = detail.body.decisions;
    return [id, d.decision, d.execution_id ?? d.busy_execution_id ?? null];
  };
  assert.deepEqual(
    await Promise.all(["gc-1", "rsi-1", "gc-2", "rsi-2", "rsi-3"].map(decision)),
    [
      ["gc-1", "claimed", runs[0]!.id],
      ["rsi-1", "claimed", runs[0]!.id],
      ["gc-2", "skipped_busy", runs[0]!.id],
      ["rsi-2", "skipped_busy", runs[0]!.id],
      ["rsi-3", "no_quorum", null],
    ],
  );
  const funnel = await api.call("GET", "/api/v1/analytics/funnel?group_by=pipeline", {
    token: alice.token,
  });
  const counts = funnel.body.groups.find((g: { key: string }) => g.key === pipeline);
  assert.deepEqual([counts.claimed, counts.skipped_busy, counts.no_quorum], [2, 2, 1]);
});
