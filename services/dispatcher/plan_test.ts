import assert from "node:assert/strict";
import { deadLettersOf } from "./dead_letter.ts";
import { decodeMessage } from "./decoded_message.ts";
import { PipelineIndex } from "./pipeline_index.ts";
import type { MatchablePipeline } from "./match.ts";
import { CHUNK_BOUNDS, countClaims, planBatch, planChunks, rejectionLogRow } from "./plan.ts";
import { signSignal } from "../../shared/signals/signal_scope.ts";

const now = Date.parse("2025-01-02T15:00:00Z");
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const signingKey = new Uint8Array(32).fill(3);
const message = (offset: number, value: unknown, partition = 0) =>
  decodeMessage(
    "signals",
    partition,
    {
      offset: String(offset),
      timestamp: String(now - 1000),
      key: null,
      value: typeof value === "string" ? new TextEncoder().encode(value) : encode(value),
    },
    now,
    signingKey,
  );
const pipeline = (id: string, fields: Partial<MatchablePipeline> = {}): MatchablePipeline => ({
  id,
  ownerId: "u1",
  listenTo: null,
  tickers: ["AAPL"],
  overlapPolicy: "skip",
  filter: null,
  maxSignalAgeSeconds: null,
  ...fields,
});
const aapl = { ticker: "AAPL", signal: "BULLISH" as const, confidence: 85 };

Deno.test("plan: the seed's envelope and single messages; ids derived from Kafka coordinates", () => {
  const index = PipelineIndex.of([pipeline("p", { overlapPolicy: "allow" })]);
  const plan = planBatch(
    [
      message(7, { tickers: [aapl, { ...aapl, ticker: "MSFT" }, { ...aapl, signal_id: "own" }] }),
      message(8, aapl, 2),
    ],
    index,
    now,
  );
  assert.equal(plan.signals, 4);
  assert.deepEqual(plan.requests.map((r) => r.signal_id), [
    "kafka:signals:0:7:0",
    "own",
    "kafka:signals:2:8:0",
  ]);
  assert.equal(plan.stats.get("p", "matched"), 3);
  assert.equal(plan.requests[0]!.signal_emitted_at, new Date(now - 1000).toISOString());
  assert.deepEqual(
    plan.log.map((r) => [r.signal_id, r.ticker, r.partition, r.kafka_offset, r.signal_index]),
    [
      ["kafka:signals:0:7:0", "AAPL", 0, "7", 0],
      ["kafka:signals:0:7:1", "MSFT", 0, "7", 1],
      ["own", "AAPL", 0, "7", 2],
      ["kafka:signals:2:8:0", "AAPL", 2, "8", 0],
    ],
    "every signal is logged, matched or not",
  );
  assert.equal(plan.log[0]!.emitted_at, new Date(now - 1000).toISOString());
  assert.equal(plan.log[0]!.decided_at, new Date(now).toISOString());
});

Deno.test("plan: a dead letter's log row names the reason and the entry's coordinates", () => {
  const [bad] = deadLettersOf(message(3, "{nope"));
  const [entry] = deadLettersOf(message(4, { tickers: [aapl, { ...aapl, confidence: 101 }] }));
  assert.deepEqual(
    [bad!, entry!].map((l) => {
      const row = rejectionLogRow(l, now - 5, now);
      return [row.signal_id, row.signal_index, row.reject_reason, row.ticker, row.received_at];
    }),
    [
      ["kafka:signals:0:3:0", 0, "not_json", undefined, new Date(now - 5).toISOString()],
      ["kafka:signals:0:4:1", 1, "invalid", undefined, new Date(now - 5).toISOString()],
    ],
  );
});

Deno.test("plan: a skip pipeline keeps its first match, buffer_one two, allow all", () => {
  const index = PipelineIndex.of([
    pipeline("skip"),
    pipeline("buffer", { overlapPolicy: "buffer_one" }),
    pipeline("allow", { overlapPolicy: "allow" }),
  ]);
  const signals = Array.from({ length: 5 }, (_, i) => message(i, { ...aapl, signal_id: `s${i}` }));
  const plan = planBatch(signals, index, now);
  const count = (id: string) => plan.requests.filter((r) => r.pipeline_id === id).length;
  assert.deepEqual([count("skip"), count("buffer"), count("allow")], [1, 2, 5]);
  assert.equal(plan.matched.get("skip"), 5);
  countClaims(plan, [{ pipeline_id: "skip" }, { pipeline_id: "allow" }]);
  assert.equal(plan.stats.get("skip", "claimed"), 1);
  assert.equal(plan.stats.get("skip", "skipped_busy"), 4);
  assert.equal(plan.stats.get("buffer", "skipped_busy"), 5);
  assert.equal(plan.stats.get("allow", "skipped_busy"), 4);
});

Deno.test("plan: the same signal twice in a batch is one request", () => {
  const index = PipelineIndex.of([pipeline("p", { overlapPolicy: "allow" })]);
  const dup = { ...aapl, signal_id: "same" };
  assert.equal(planBatch([message(1, dup), message(2, dup)], index, now).requests.length, 1);
});

Deno.test("plan: filtered and stale are counted, unwatched tickers cost nothing", () => {
  const index = PipelineIndex.of([
    pipeline("strict", { filter: { min_confidence: 90 } }),
    pipeline("fresh", { maxSignalAgeSeconds: 60 }),
  ]);
  const old = { ...aapl, emitted_at: new Date(now - 120_000).toISOString() };
  const plan = planBatch([message(1, old), message(2, { ...aapl, ticker: "TSLA" })], index, now);
  assert.equal(plan.requests.length, 0);
  assert.equal(plan.stats.get("strict", "filtered"), 1);
  assert.equal(plan.stats.get("fresh", "stale"), 1);
  assert.equal(plan.stats.size, 2);
});

Deno.test("plan: bad messages are left to the dead-letter topic", () => {
  const messages = [message(1, "{nope"), message(2, { tickers: [] }), message(3, aapl)];
  const plan = planBatch(messages, PipelineIndex.of([pipeline("p")]), now);
  assert.equal(plan.requests.length, 1);
  const letters = messages.flatMap(deadLettersOf);
  assert.deepEqual(letters.map((l) => [l.offset, l.reason]), [["1", "not_json"], ["2", "invalid"]]);
  assert.equal(new TextDecoder().decode(letters[0]!.payload!), "{nope");
});

Deno.test("plan: a message's valid signals keep their position in derived ids when others are rejected", () => {
  const mixed = message(4, {
    tickers: [{ ...aapl, confidence: 101 }, aapl, { ...aapl, ticker: "" }, aapl],
  });
  const plan = planBatch(
    [mixed],
    PipelineIndex.of([pipeline("p", { overlapPolicy: "allow" })]),
    now,
  );
  assert.equal(plan.signals, 2);
  assert.deepEqual(plan.requests.map((r) => r.signal_id), [
    "kafka:signals:0:4:1",
    "kafka:signals:0:4:3",
  ]);
  assert.deepEqual(deadLettersOf(mixed).map((l) => [l.signalIndex, l.reason]), [
    [0, "invalid"],
    [2, "invalid"],
  ]);
});

Deno.test("plan: a private signal reaches only its owner's pipelines that listen to its source", () => {
  const source = "webhook:00000000-0000-4000-8000-0000000000f1";
  const index = PipelineIndex.of([pipeline("bob", { ownerId: "bob" })]);
  const mine = signSignal({
    ...aapl,
    owner_id: "00000000-0000-4000-8000-00000000000a",
    source,
    signal_id: `${source}:a:1`,
    emitted_at: new Date(now).toISOString(),
  }, signingKey);
  index.upsert(pipeline("alice", { ownerId: mine.owner_id!, overlapPolicy: "allow" }));
  index.upsert(pipeline("alice-public-only", {
    ownerId: mine.owner_id!,
    listenTo: { public: true, sources: [] },
  }));
  const messages = [message(1, { tickers: [mine] }), message(2, aapl)];
  assert.deepEqual(messages.flatMap(deadLettersOf), []);
  const plan = planBatch(messages, index, now);
  const byPipeline = plan.requests.map((r) => `${r.pipeline_id} ${r.signal_id}`).sort();
  assert.deepEqual(byPipeline, [
    "alice kafka:signals:0:2:0",
    `alice ${source}:a:1`,
    "alice-public-only kafka:signals:0:2:0",
    "bob kafka:signals:0:2:0",
  ]);
  assert.equal(plan.stats.get("bob", "matched"), 1, "bob's stats never see alice's signal");
});

Deno.test("plan: a private scope without our signature goes to the dead letters", () => {
  const source = "webhook:00000000-0000-4000-8000-0000000000f1";
  const claim = {
    ...aapl,
    owner_id: "00000000-0000-4000-8000-00000000000a",
    source,
    signal_id: `${source}:a:1`,
  };
  const forged = { ...signSignal(claim, new Uint8Array(32).fill(9)) };
  const messages = [
    message(1, claim),
    message(2, { tickers: [aapl, forged] }),
    message(3, { ...aapl, signal_id: `${source}:x` }),
  ];
  const plan = planBatch(
    messages,
    PipelineIndex.of([pipeline("p", { ownerId: claim.owner_id, overlapPolicy: "allow" })]),
    now,
  );
  assert.deepEqual(plan.requests.map((r) => r.signal_id), ["kafka:signals:0:2:0"]);
  const letters = messages.flatMap(deadLettersOf);
  assert.deepEqual(letters.map((l) => [l.offset, l.signalIndex]), [["1", 0], ["2", 1], ["3", 0]]);
  assert.match(letters[0]!.error, /^Unauthenticated signal: field "signature" is missing/);
  assert.match(letters[1]!.error, /no valid intake signature/);
  assert.match(letters[2]!.error, /must not start with "webhook:"/);
});

Deno.test("plan: a 10 000-signal message is planned in chunks within the bound", () => {
  // 1 000 tickers with ten pipelines each: ten claim requests per signal for allow pipelines.
  const pipelines = Array.from(
    { length: 10_000 },
    (_, i) =>
      pipeline(`p${String(i).padStart(5, "0")}`, {
        tickers: [`T${i % 1000}`],
        overlapPolicy: i < 5000 ? "allow" : "skip",
      }),
  );
  const index = PipelineIndex.of(pipelines);
  const tickers = Array.from({ length: 10_000 }, (_, i) => ({ ...aapl, ticker: `T${i % 1000}` }));
  const huge = message(1, { tickers });
  assert.equal(huge.parsed.ok && huge.parsed.signals.length, 10_000);

  const chunks = [...planChunks([huge], index, now)];
  for (const chunk of chunks) {
    assert.ok(chunk.requests.length <= CHUNK_BOUNDS.maxRequests, `${chunk.requests.length}`);
    assert.ok(chunk.signals <= CHUNK_BOUNDS.maxSignals);
    assert.equal(chunk.log.length, chunk.signals);
  }
  // Every allow pipeline gets each of its ten signals; a skip pipeline its first, once per batch.
  const requests = chunks.flatMap((c) => c.requests);
  assert.equal(requests.length, 5000 * 10 + 5000);
  assert.equal(new Set(requests.map((r) => `${r.pipeline_id} ${r.signal_id}`)).size, 55_000);
  assert.equal(chunks.length, 6);
  assert.equal(chunks.reduce((n, c) => n + c.signals, 0), 10_000);
  assert.equal(new Set(chunks.flatMap((c) => c.log.map((r) => r.signal_id))).size, 10_000);
  // The counters add up to the unchunked plan's.
  const whole = planBatch([huge], index, now);
  for (const id of ["p00000", "p07000"]) {
    const sum = chunks.reduce((n, c) => n + c.stats.get(id, "matched"), 0);
    assert.equal(sum, whole.stats.get(id, "matched"));
  }
  assert.equal(whole.requests.length, 55_000);
});

Deno.test("plan: a chunk ends before a signal that could pass the request bound", () => {
  const index = PipelineIndex.of([
    pipeline("a", { overlapPolicy: "allow" }),
    pipeline("b", { overlapPolicy: "allow" }),
    pipeline("c", { overlapPolicy: "skip" }),
  ]);
  const signals = Array.from({ length: 4 }, (_, i) => message(i, aapl));
  const chunks = [...planChunks(signals, index, now, { maxRequests: 4, maxSignals: 100 })];
  // 3 requests; then a and b only (c is kept already): 3 + 2 > 4 ends the chunk; 2 + 2; 2.
  assert.deepEqual(chunks.map((c) => c.requests.length), [3, 4, 2]);
  assert.deepEqual(chunks.map((c) => c.signals), [1, 2, 1]);
  // Only the last chunk says so: the batch's next one sends its claim after it (batch_processor).
  assert.deepEqual(chunks.map((c) => c.last), [false, false, true]);
  assert.deepEqual([...planChunks([], index, now)].map((c) => [c.signals, c.last]), [[0, true]]);
});
