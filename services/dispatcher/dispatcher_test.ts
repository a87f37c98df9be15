import assert from "node:assert/strict";
import { serviceLogger } from "../../shared/logging.ts";
import { serveMetrics } from "../../shared/metrics.ts";
import { createTestDatabase, type TestDatabase } from "../../tests/fixtures/database.ts";
import { createTestKafka, type TestKafka } from "../../tests/fixtures/kafka.ts";
import { insertPipeline, insertUser } from "../../tests/fixtures/pipelines.ts";
import { createTestRedis, type TestRedis } from "../../tests/fixtures/redis.ts";
import { createDispatcher, type DispatcherDeps } from "./dispatcher.ts";
import { pollUntil } from "../../shared/poll_until.ts";
import { withTimeout } from "../../shared/timeout.ts";

interface Stack {
  db: TestDatabase;
  r: TestRedis;
  k: TestKafka;
  deadLetterTopic: string;
}

/** `startAtZero` (default true): the group starts at offset 0, so nothing produced before is skipped. */
async function stack({ startAtZero = true } = {}): Promise<Stack & AsyncDisposable> {
  const db = await createTestDatabase();
  const r = await createTestRedis();
  const k = await createTestKafka(3);
  const deadLetterTopic = await k.createTopic(1);
  if (startAtZero) {
    const admin = k.kafka.admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: `${k.topic}-g`,
      topic: k.topic,
      partitions: [0, 1, 2].map((partition) => ({ partition, offset: "0" })),
    });
    await admin.disconnect();
  }
  return {
    db,
    r,
    k,
    deadLetterTopic,
    [Symbol.asyncDispose]: async () => {
      await k.cleanup();
      await r.cleanup();
      await db.drop();
    },
  };
}

function start(s: Stack, extra: Partial<DispatcherDeps> & { stallSeconds?: number } = {}) {
  const { stallSeconds = 60, ...deps } = extra;
  const controller = new AbortController();
  const dispatcher = createDispatcher({
    config: {
      KAFKA_SIGNAL_TOPIC: s.k.topic,
      KAFKA_DEAD_LETTER_TOPIC: s.deadLetterTopic,
      KAFKA_CONSUMER_GROUP: `${s.k.topic}-g`,
      BATCH_SIZE: 20,
      BATCH_TIMEOUT_SECONDS: 0.5,
      BATCH_MAX_SIZE: 5000,
      BATCH_MAX_FLUSHES_PER_SECOND: 30,
      CACHE_REFRESH_INTERVAL_SECONDS: 30,
      SWEEP_INTERVAL_SECONDS: 3600,
      SWEEP_MIN_AGE_SECONDS: 3600,
      WORKER_VISIBILITY_TIMEOUT_SECONDS: 60,
      JOBS_STREAM_MAX_LENGTH: 10_000,
      SIGNAL_RETENTION_DAYS: 30,
      DISPATCHER_STALL_SECONDS: stallSeconds,
    },
    sql: s.db.sql,
    redis: s.r.redis,
    kafka: s.k.kafka,
    names: s.r.names,
    log: serviceLogger("dispatcher", "test"),
    retry: { baseMs: 50, maxMs: 200 },
    ...deps,
  });
  const running = dispatcher.run(controller.signal);
  return {
    dispatcher,
    running,
    stop: async () => {
      controller.abort();
      await running;
    },
  };
}

async function produce(s: Stack, values: unknown[]) {
  const producer = s.k.kafka.producer();
  await producer.connect();
  await producer.send({
    topic: s.k.topic,
    acks: -1,
    messages: values.map((v, i) => ({
      key: `k${i % 5}`,
      value: typeof v === "string" ? v : JSON.stringify(v),
    })),
  });
  await producer.disconnect();
}

/** Waits for `read()` to satisfy `done`; on a timeout the error's cause names the last value. */
const until = <T>(what: string, read: () => Promise<T>, done: (v: T) => boolean) =>
  pollUntil(what, async () => {
    const value = await read();
    if (!done(value)) throw new Error(`last: ${value}`);
    return value;
  }, { intervalMs: 50, timeoutMs: 30_000 });

/** Every offset of the topic is committed by the group. */
async function allCommitted(s: Stack) {
  const admin = s.k.kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(s.k.topic);
    const [committed] = await admin.fetchOffsets({
      groupId: `${s.k.topic}-g`,
      topics: [s.k.topic],
    });
    return ends.every((e) =>
      committed!.partitions.find((c) => c.partition === e.partition)?.offset === e.high
    );
  } finally {
    await admin.disconnect();
  }
}

const executions = (s: Stack) =>
  s.db.sql<{ pipeline_id: string; signal_id: string }[]>`
    select pipeline_id, signal_id from pipeline_executions`;
const aapl = { ticker: "AAPL", signal: "BULLISH", confidence: 85 };

Deno.test("dispatcher: a signal for a watched ticker becomes exactly one job", async () => {
  await using s = await stack();
  const owner = await insertUser(s.db.sql);
  const p = await insertPipeline(s.db.sql, owner);
  await insertPipeline(s.db.sql, owner, { scanner_tickers: ["MSFT"] });
  const d = start(s);
  try {
    await produce(s, [{ tickers: [aapl, { ...aapl, ticker: "TSLA" }] }]);
    await until("the commit", () => allCommitted(s), Boolean);
    const jobs = await s.r.redis.xrange(s.r.names.jobsStream, "-", "+");
    const rows = await executions(s);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.pipeline_id, p.id);
    assert.match(rows[0]!.signal_id, /^kafka:twtest-[^:]+:\d:0:0$/);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]![1][3], p.id);
    const stats = await s.r.redis.hgetall(s.r.names.dispatchStats);
    assert.deepEqual(stats, { [`${p.id}:matched`]: "1", [`${p.id}:claimed`]: "1" });
    const logged = await s.db.sql<
      { signal_id: string; ticker: string; partition: number; kafka_offset: string }[]
    >`select signal_id, ticker, partition, kafka_offset::text, received_at, logged_at
      from signal_log order by signal_index`;
    assert.deepEqual(logged.map((r) => r.ticker), ["AAPL", "TSLA"]);
    assert.equal(logged[0]!.signal_id, rows[0]!.signal_id);
    assert.match(logged[1]!.signal_id, /^kafka:twtest-[^:]+:\d:0:1$/);
    assert.ok(logged.every((r) => r.kafka_offset === "0" && r.partition >= 0));
  } finally {
    await d.stop();
  }
});

Deno.test("dispatcher: ten duplicate signals while the pipeline runs create one execution", async () => {
  await using s = await stack();
  const owner = await insertUser(s.db.sql);
  const p = await insertPipeline(s.db.sql, owner);
  const d = start(s);
  try {
    await produce(s, Array.from({ length: 10 }, () => aapl));
    await until("the first ten", () => allCommitted(s), Boolean);
    await s.db.sql`update pipeline_executions set status = 'running'`;
    await produce(s, Array.from({ length: 10 }, () => aapl));
    await until("the next ten", () => allCommitted(s), Boolean);
    assert.equal((await executions(s)).length, 1);
    assert.equal(await s.r.redis.xlen(s.r.names.jobsStream), 1);
    const stats = await s.r.redis.hgetall(s.r.names.dispatchStats);
    assert.equal(stats[`${p.id}:matched`], "20");
    assert.equal(stats[`${p.id}:claimed`], "1");
    assert.equal(stats[`${p.id}:skipped_busy`], "19");
  } finally {
    await d.stop();
  }
});

Deno.test("dispatcher: malformed messages reach the dead-letter topic while good ones flow", async () => {
  await using s = await stack();
  const owner = await insertUser(s.db.sql);
  await insertPipeline(s.db.sql, owner, { overlap_policy: "allow" });
  const d = start(s);
  const consumer = s.k.kafka.consumer({ groupId: `${s.deadLetterTopic}-reader` });
  try {
    await produce(s, [
      aapl,
      "{not json",
      { ...aapl, version: 9 },
      { tickers: [{ ...aapl, confidence: 101 }] },
      { ...aapl, signal_id: "good-2" },
    ]);
    await until("the commit", () => allCommitted(s), Boolean);
    assert.equal((await executions(s)).length, 2);
    await consumer.connect();
    await consumer.subscribe({ topic: s.deadLetterTopic, fromBeginning: true });
    const dead: { value: string; reason: string; topic: string; offset: string }[] = [];
    consumer.run({
      eachMessage: ({ message }) => {
        const h = message.headers!;
        dead.push({
          value: message.value!.toString(),
          reason: String(h["tickwire-reason"]),
          topic: String(h["tickwire-original-topic"]),
          offset: String(h["tickwire-original-offset"]),
        });
        return Promise.resolve();
      },
    });
    await until("three dead letters", () => Promise.resolve(dead.length), (n) => n >= 3);
    assert.deepEqual(dead.map((m) => m.reason).sort(), ["invalid", "invalid", "not_json"]);
    assert.ok(dead.every((m) => m.topic === s.k.topic && /^\d+$/.test(m.offset)));
    assert.ok(dead.some((m) => m.value === "{not json"));
    assert.equal(d.dispatcher.metrics.badMessages.get({ reason: "invalid" }), 2);
    const rejected = await s.db.sql<{ reject_reason: string; error: string }[]>`
      select reject_reason, error from signal_log where reject_reason is not null
      order by reject_reason`;
    assert.deepEqual(rejected.map((r) => r.reject_reason), ["invalid", "invalid", "not_json"]);
    assert.ok(rejected.every((r) => r.error.startsWith("Cannot parse signal")));
    const [accepted] = await s.db.sql<{ n: number }[]>`
      select count(*)::int as n from signal_log where reject_reason is null`;
    assert.equal(accepted!.n, 2);
  } finally {
    await consumer.disconnect();
    await d.stop();
  }
});

Deno.test("dispatcher: a crash after enqueue and before commit redelivers without an extra execution", async () => {
  await using s = await stack();
  const owner = await insertUser(s.db.sql);
  await insertPipeline(s.db.sql, owner, { overlap_policy: "allow" });
  let crashed = false;
  const first = start(s, {
    beforeCommit: () => {
      crashed = true;
      return Promise.reject(new Error("crash before commit"));
    },
  });
  await produce(
    s,
    Array.from({ length: 30 }, (_, i) => i % 2 ? aapl : { ...aapl, signal_id: `s${i}` }),
  );
  await assert.rejects(first.running, /crash before commit/);
  assert.ok(crashed);
  const before = await executions(s);
  assert.ok(before.length > 0);
  assert.equal(await allCommitted(s), false);

  const second = start(s);
  try {
    await until("the redelivery's commit", () => allCommitted(s), Boolean);
    const after = await executions(s);
    assert.equal(after.length, 30);
    assert.equal(new Set(after.map((e) => e.signal_id)).size, 30);
    assert.equal(await s.r.redis.xlen(s.r.names.jobsStream), 30);
  } finally {
    await second.stop();
  }
});

Deno.test("dispatcher: a new group starts at the end; a partition it never committed loses nothing when its dispatcher stops mid-batch", async () => {
  await using s = await stack({ startAtZero: false });
  const owner = await insertUser(s.db.sql);
  await insertPipeline(s.db.sql, owner, { overlap_policy: "allow" });
  const signal = (id: string) => ({ ...aapl, signal_id: id });
  // One message per produce: all on the partition of key "k0", which nothing has committed yet.
  await produce(s, [signal("before-the-group")]);
  const first = start(s, { beforeCommit: () => Promise.reject(new Error("crash before commit")) });
  await first.dispatcher.joined;
  await produce(s, [signal("in-the-crashed-batch")]);
  await assert.rejects(
    withTimeout(first.running, 30_000, "the first dispatcher's batch"),
    /crash before commit/,
  );
  // Produced while no dispatcher runs: the next one must start where the group was, not at the end.
  await produce(s, [signal("while-down")]);
  const second = start(s);
  try {
    const ran = () => executions(s).then((rows) => rows.map((e) => e.signal_id).sort().join());
    await until("the signal produced while down to run", ran, (ids) => ids.includes("while-down"));
    await until("the commit", () => allCommitted(s), Boolean);
    assert.equal(await ran(), "in-the-crashed-batch,while-down");
  } finally {
    await second.stop();
  }
});

Deno.test("dispatcher: a signal_id with NUL is dead-lettered and the good signals after it run", async () => {
  await using s = await stack();
  const owner = await insertUser(s.db.sql);
  await insertPipeline(s.db.sql, owner, {
    overlap_policy: "allow",
    scanner_tickers: ["T2", "AAPL"],
  });
  const d = start(s);
  try {
    await produce(s, [
      '{"tickers":[{"ticker":"T2","signal":"BULLISH","confidence":80,"signal_id":"nul\\u0000x"}]}',
      { ...aapl, signal_id: "after-the-poison" },
    ]);
    await until("the commit", () => allCommitted(s), Boolean);
    const rows = await executions(s);
    assert.deepEqual(rows.map((r) => r.signal_id), ["after-the-poison"]);
    assert.equal(d.dispatcher.metrics.badMessages.get({ reason: "invalid" }), 1);
  } finally {
    await d.stop();
  }
});

/** Letters on the dead-letter topic (its end offset: one partition, no transactions). */
async function deadLetterCount(s: Stack): Promise<number> {
  const admin = s.k.kafka.admin();
  await admin.connect();
  try {
    const [end] = await admin.fetchTopicOffsets(s.deadLetterTopic);
    return Number(end!.high);
  } finally {
    await admin.disconnect();
  }
}

async function readDeadLetters(s: Stack, count: number) {
  const consumer = s.k.kafka.consumer({ groupId: `${s.deadLetterTopic}-reader` });
  const letters: { key: string; value: Buffer | null; headers: Record<string, string> }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: s.deadLetterTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        letters.push({ key: String(message.key), value: message.value, headers });
        return Promise.resolve();
      },
    });
    await until("the dead letters", () => Promise.resolve(letters.length), (n) => n >= count);
    return letters;
  } finally {
    await consumer.disconnect();
  }
}

Deno.test("dispatcher: 600 KB garbage messages get capped dead letters with size, sha256 and origin", async () => {
  await using s = await stack();
  const owner = await insertUser(s.db.sql);
  await insertPipeline(s.db.sql, owner, { overlap_policy: "allow" });
  const garbage = Array.from({ length: 3 }, (_, i) => String.fromCharCode(97 + i).repeat(600_000));
  for (const value of garbage) await produce(s, [value]);
  await produce(s, [{ ...aapl, signal_id: "after-the-garbage" }]);
  const d = start(s);
  try {
    await until("the commit", () => allCommitted(s), Boolean);
    assert.deepEqual((await executions(s)).map((r) => r.signal_id), ["after-the-garbage"]);
    const letters = await readDeadLetters(s, 3);
    assert.equal(letters.length, 3);
    for (const letter of letters) {
      const original = garbage.find((g) => g[0] === String.fromCharCode(letter.value![0]!))!;
      assert.ok(letter.value!.byteLength <= 64 * 1024);
      assert.equal(letter.headers["tickwire-payload-size"], "600000");
      assert.equal(letter.headers["tickwire-payload-truncated"], "true");
      const sha = new Uint8Array(
        await crypto.subtle.digest("SHA-256", new TextEncoder().encode(original)),
      );
      assert.equal(
        letter.headers["tickwire-payload-sha256"],
        [...sha].map((b) => b.toString(16).padStart(2, "0")).join(""),
      );
      assert.equal(letter.headers["tickwire-original-topic"], s.k.topic);
      assert.equal(
        letter.key,
        `${s.k.topic}/${letter.headers["tickwire-original-partition"]}/${
          letter.headers["tickwire-original-offset"]
        }`,
      );
    }
  } finally {
    await d.stop();
  }
});

Deno.test("dispatcher: a batch delivered again after a crash writes each dead letter once", async () => {
  await using s = await stack();
  const owner = await insertUser(s.db.sql);
  await insertPipeline(s.db.sql, owner, { overlap_policy: "allow" });
  // One partition (one key), produced before the start: the first batch holds all three.
  for (
    const value of [
      "{not json",
      { tickers: [aapl, { ...aapl, confidence: 101 }, { ...aapl, ticker: "??" }] },
      { ...aapl, version: 9 },
    ]
  ) await produce(s, [value]);
  const first = start(s, { beforeCommit: () => Promise.reject(new Error("crash before commit")) });
  await assert.rejects(first.running, /crash before commit/);
  assert.equal(await allCommitted(s), false);
  assert.ok(await deadLetterCount(s) > 0, "letters were written before the crash");
  const second = start(s);
  try {
    await until("the redelivery's commit", () => allCommitted(s), Boolean);
    const letters = await readDeadLetters(s, 4);
    assert.equal(await deadLetterCount(s), 4, "one copy of each letter");
    assert.equal(new Set(letters.map((l) => l.key)).size, 4);
    assert.deepEqual(
      letters.map((l) => l.headers["tickwire-signal-index"] ?? "-").sort(),
      ["-", "-", "1", "2"],
    );
    assert.equal((await executions(s)).length, 1, "the valid ticker of the mixed message ran");
  } finally {
    await second.stop();
  }
});

Deno.test("dispatcher: a signal the claim refuses (year 0, valid to the schema) is isolated and dead-lettered; its batch goes on", async () => {
  await using s = await stack();
  const owner = await insertUser(s.db.sql);
  await insertPipeline(s.db.sql, owner, { overlap_policy: "allow" });
  // One partition, produced before the start: the poison shares its batch with good signals.
  for (
    const value of [
      { ...aapl, signal_id: "before" },
      {
        tickers: [{ ...aapl, signal_id: "beside" }, {
          ...aapl,
          emitted_at: "0000-01-01T00:00:00Z",
        }],
      },
      { ...aapl, signal_id: "after" },
    ]
  ) await produce(s, [value]);
  const d = start(s);
  try {
    await until("the commit", () => allCommitted(s), Boolean);
    assert.deepEqual((await executions(s)).map((r) => r.signal_id).sort(), [
      "after",
      "before",
      "beside",
    ]);
    const [letter] = await readDeadLetters(s, 1);
    assert.equal(letter!.headers["tickwire-reason"], "poison");
    assert.equal(letter!.headers["tickwire-signal-index"], "1");
    assert.match(letter!.headers["tickwire-error"]!, /claim.*date\/time field value out of range/);
    assert.equal(JSON.parse(String(letter!.value)).emitted_at, "0000-01-01T00:00:00Z");
    assert.equal(d.dispatcher.metrics.badMessages.get({ reason: "poison" }), 1);
    assert.equal(await deadLetterCount(s), 1);
  } finally {
    await d.stop();
  }
});

Deno.test("dispatcher: not ready while a batch cannot commit past the stall bound, and the metrics say why", async () => {
  await using s = await stack();
  const owner = await insertUser(s.db.sql);
  await insertPipeline(s.db.sql, owner);
  const controller = new AbortController();
  const d = start(s, { stallSeconds: 1 });
  const server = serveMetrics(
    d.dispatcher.metrics.registry,
    0,
    controller.signal,
    d.dispatcher.stalled,
  );
  const base = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  const get = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, text: await res.text() };
  };
  try {
    assert.equal((await get("/readyz")).status, 200);
    await s.db.sql`alter table pipeline_executions rename to pipeline_executions_away`;
    await produce(s, [aapl]);
    const stalled = await until("not ready", () => get("/readyz"), (r) => r.status === 503);
    assert.match(stalled.text, /claim/);
    const metrics = (await get("/metrics")).text;
    assert.match(metrics, /^tickwire_dispatcher_stalled 1$/m);
    assert.match(metrics, /^tickwire_dispatcher_stage_failures\{stage="claim"\} [1-9]/m);
    assert.match(metrics, /^tickwire_dispatcher_seconds_since_last_commit [1-9]/m);
    await s.db.sql`alter table pipeline_executions_away rename to pipeline_executions`;
    await until("the commit", () => allCommitted(s), Boolean);
    await until("ready again", () => get("/readyz"), (r) => r.status === 200);
    assert.match((await get("/metrics")).text, /^tickwire_dispatcher_stalled 0$/m);
  } finally {
    controller.abort();
    await server.finished;
    await d.stop();
  }
});
