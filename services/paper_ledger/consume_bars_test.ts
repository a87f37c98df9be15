import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { createTestDatabase, type TestDatabase } from "../../tests/fixtures/database.ts";
import { createTestKafka, type TestKafka } from "../../tests/fixtures/kafka.ts";
import { insertUser } from "../../tests/fixtures/pipelines.ts";
import { orderRequest } from "../../tests/fixtures/paper_orders.ts";
import { pollUntil } from "../../shared/poll_until.ts";
import { bookOrder } from "../../shared/ledger/book_order.ts";
import { NO_EXITS } from "../../shared/ledger/exits.ts";
import type { Bar } from "../../shared/market/bar.ts";
import { writeBars } from "../../shared/market/bars_store.ts";
import { MetricsRegistry } from "../../shared/metrics.ts";
import { toBarMessages } from "../../shared/schemas/bar_message.ts";
import { deadLetterMessage } from "../../shared/kafka_dead_letter.ts";
import { consumeBars } from "./consume_bars.ts";

const bar = (date: string, open: number, low: number, close: number): Bar => ({
  ticker: "AAPL",
  date,
  open,
  high: Math.max(open, close) + 0.5,
  low,
  close,
  adj_close: close,
  volume: 0,
});

/** What every test's ledger shares: the test's topic and database, counters of its own. */
function ledgerOptions(
  db: TestDatabase,
  kafka: TestKafka,
  groupId = `twtest-${crypto.randomUUID().slice(0, 8)}`,
) {
  const registry = new MetricsRegistry();
  const metrics = {
    bars: registry.counter("bars", "bars"),
    exits: registry.counter("exits", "exits"),
    invalid: registry.counter("invalid", "invalid"),
  };
  return {
    kafka: kafka.kafka,
    topic: kafka.topic,
    groupId,
    sql: db.sql,
    log: getLogger(["tickwire", "test"]),
    metrics,
  };
}

Deno.test("paper ledger: bars from Kafka hit a long's stop once, the same bar twice included", async () => {
  await using db = await createTestDatabase();
  await using kafka = await createTestKafka(1);
  const owner = await insertUser(db.sql);
  // 100 AAPL at 10 with a stop at 9.5; the second bar gaps below it and fills at its open, 9.2.
  await bookOrder(db.sql, orderRequest(owner, { exits: { ...NO_EXITS, stop_price: 9.5 } }));
  const bars = [
    bar("2024-01-03", 10.1, 9.8, 10.2),
    bar("2024-01-04", 9.2, 9.0, 9.1),
    bar("2024-01-05", 9.0, 8.5, 8.7),
  ];
  await writeBars(db.sql, bars);
  const producer = kafka.kafka.producer();
  await producer.connect();
  await producer.send({
    topic: kafka.topic,
    messages: [...toBarMessages(bars), ...toBarMessages([bars[1]!]), { value: "not a bar" }],
  });
  await producer.disconnect();

  const options = ledgerOptions(db, kafka);
  const { metrics } = options;
  const deadLetters = await kafka.createTopic(1);
  const letters = kafka.kafka.producer({ idempotent: true });
  await letters.connect();
  const stop = new AbortController();
  const consuming = consumeBars({
    ...options,
    fromBeginning: true,
    deadLetter: async (letter) => {
      await letters.send({ topic: deadLetters, acks: -1, messages: [deadLetterMessage(letter)] });
    },
  }, stop.signal);
  try {
    await pollUntil("every message", () => metrics.invalid.total() === 1 || undefined);
  } finally {
    stop.abort();
    await consuming;
    await letters.disconnect();
  }
  // The message that is not a bar is on the dead-letter topic, naming why and where it was.
  const reader = kafka.kafka.consumer({ groupId: `twtest-${crypto.randomUUID().slice(0, 8)}` });
  await reader.connect();
  await reader.subscribe({ topic: deadLetters, fromBeginning: true });
  const read: { key: string; value: string; headers: Record<string, string> }[] = [];
  await reader.run({
    eachMessage: ({ message }) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
      );
      read.push({ key: String(message.key), value: String(message.value), headers });
      return Promise.resolve();
    },
  });
  await pollUntil("the dead letter", () => read.length > 0 || undefined);
  await reader.disconnect();
  assert.equal(read.length, 1);
  assert.equal(read[0]!.key, `${kafka.topic}/0/4`);
  assert.equal(read[0]!.value, "not a bar");
  assert.equal(read[0]!.headers["tickwire-reason"], "invalid");
  assert.equal(read[0]!.headers["tickwire-original-topic"], kafka.topic);
  assert.equal(read[0]!.headers["tickwire-original-offset"], "4");
  assert.equal(metrics.bars.total(), 4);
  const orders = await db.sql`
    select side, exit_reason, fill_price::float8, bar_date::text from paper_orders
    order by created_at`;
  assert.deepEqual(orders.map((o) => ({ ...o })), [
    { side: "buy", exit_reason: null, fill_price: 10, bar_date: "2024-01-02" },
    { side: "sell", exit_reason: "stop", fill_price: 9.2, bar_date: "2024-01-04" },
  ]);
  const marks = await db.sql`
    select bar_date::text, equity::float8 from paper_equity_snapshots
    where bar_date is not null order by bar_date`;
  assert.deepEqual(marks.map((m) => [m.bar_date, m.equity]), [
    ["2024-01-03", 100_000 - 1000 + 1020],
    ["2024-01-04", 100_000 - 1000 + 920],
  ]);
});

Deno.test("paper ledger: a new group starts at the end, and a ledger stopped before its first bar skips none sent while it was down", async () => {
  await using db = await createTestDatabase();
  await using kafka = await createTestKafka(1);
  const producer = kafka.kafka.producer();
  await producer.connect();
  const send = (b: Bar) =>
    producer.send({ topic: kafka.topic, acks: -1, messages: toBarMessages([b]) });
  const groupId = `twtest-${crypto.randomUUID().slice(0, 8)}`;
  const run = (joined?: () => void) => {
    const options = ledgerOptions(db, kafka, groupId);
    const { metrics } = options;
    const stop = new AbortController();
    const consuming = consumeBars({
      ...options,
      deadLetter: () => Promise.reject(new Error("no letters expected")),
      onMembership: (member) => member && joined?.(),
    }, stop.signal);
    return { metrics, stop: () => (stop.abort(), consuming) };
  };
  try {
    await send(bar("2024-01-02", 10, 9.5, 10));
    const joined = Promise.withResolvers<void>();
    const first = run(joined.resolve);
    await joined.promise;
    await first.stop();
    await send(bar("2024-01-03", 10, 9.5, 10));
    const second = run();
    try {
      await pollUntil(
        "the bar sent while the ledger was down",
        () => second.metrics.bars.total() === 1 || undefined,
        { timeoutMs: 30_000 },
      );
      // The bar sent before the group existed is history: still one.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal(second.metrics.bars.total() + first.metrics.bars.total(), 1);
    } finally {
      await second.stop();
    }
  } finally {
    await producer.disconnect();
  }
});

Deno.test("paper ledger: a bar that fails with an outage is tried again in place and told to readiness; one Postgres refuses is dead-lettered", async () => {
  await using db = await createTestDatabase();
  await using kafka = await createTestKafka(1);
  const owner = await insertUser(db.sql);
  for (const ticker of ["AAPL", "POISON"]) {
    await bookOrder(
      db.sql,
      orderRequest(owner, { ticker, exits: { ...NO_EXITS, stop_price: 9.5 } }),
    );
  }
  // The stop exits' orders: the first two AAPL inserts fail as an outage would (SQLSTATE class
  // 40, not the bar's fault); POISON's always fails as its own data would (22003, out of range).
  await db.sql.unsafe(`
    create sequence flaky;
    create function fail_some_exits() returns trigger language plpgsql as $$
    begin
      if new.ticker = 'POISON' then
        raise exception 'value out of range' using errcode = '22003';
      end if;
      if new.ticker = 'AAPL' and new.exit_reason is not null and nextval('flaky') <= 2 then
        raise exception 'flaky' using errcode = '40001';
      end if;
      return new;
    end $$;
    create trigger fail_some_exits before insert on paper_orders
      for each row execute function fail_some_exits()`);
  const poison = { ...bar("2024-01-03", 9.2, 9.0, 9.1), ticker: "POISON" };
  const aapl = bar("2024-01-03", 9.2, 9.0, 9.1);
  await writeBars(db.sql, [poison, aapl]);
  const producer = kafka.kafka.producer();
  await producer.connect();
  await producer.send({ topic: kafka.topic, messages: toBarMessages([poison, aapl]) });
  await producer.disconnect();

  const options = ledgerOptions(db, kafka);
  const { metrics } = options;
  const letters: { reason: string; offset: string; error: string }[] = [];
  const failing: (string | null)[] = [];
  const stop = new AbortController();
  const consuming = consumeBars({
    ...options,
    fromBeginning: true,
    deadLetter: (letter) => {
      letters.push(letter);
      return Promise.resolve();
    },
    onApplyFailing: (error) => failing.push(error),
  }, stop.signal);
  try {
    await pollUntil("the AAPL bar applied", () => metrics.bars.total() === 1 || undefined);
  } finally {
    stop.abort();
    await consuming;
  }
  assert.deepEqual(letters.map((l) => [l.reason, l.offset]), [["unapplicable", "0"]]);
  assert.match(letters[0]!.error, /value out of range/);
  // Told once when the outage began and once when it passed, not once per try.
  assert.equal(failing.length, 2);
  assert.match(failing[0]!, /flaky/);
  assert.equal(failing[1], null);
  const exits = await db.sql`
    select ticker, exit_reason from paper_orders where exit_reason is not null`;
  assert.deepEqual(exits.map((o) => [o.ticker, o.exit_reason]), [["AAPL", "stop"]]);
});
