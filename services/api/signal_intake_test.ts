import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { parseSignalMessage } from "../../shared/schemas/signal.ts";
import { loadIntakeKeys } from "../../shared/signals/intake_keys.ts";
import { createSignalSender } from "../../shared/signals/kafka_signal_sender.ts";
import { authenticateSignal } from "../../shared/signals/signal_scope.ts";
import { createTestKafka } from "../../tests/fixtures/kafka.ts";
import { pollUntil } from "../../shared/poll_until.ts";
import { createTestApi } from "./test_api.ts";
import { PUBLISH_TIMEOUT_MS } from "./signal_intake.ts";

const fresh = () => new Date().toISOString();

Deno.test({
  name: "signal intake: TradingView alerts become signed private signals on Kafka, logged",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using kafka = await createTestKafka(1);
    const sender = createSignalSender(kafka.kafka, kafka.topic);
    await using api = await createTestApi({}, { publishSignals: sender.send });
    const admin = kafka.kafka.admin();
    await admin.connect();
    const onKafka = async () => Number((await admin.fetchTopicOffsets(kafka.topic))[0]!.high);
    const alice = await api.user();
    const bob = await api.user();
    const created = await api.call("POST", "/api/v1/signal-sources", {
      token: alice.token,
      body: { name: "TradingView", max_lag_seconds: 60 },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { id, secret, url, source } = created.body;
    assert.match(secret, /^tws_/);
    assert.equal(url, `http://localhost/hooks/${id}`);
    assert.equal(source, `webhook:${id}`);
    const hook = (body: unknown, headers: Record<string, string> = {}) =>
      api.call("POST", `/hooks/${id}`, {
        raw: typeof body === "string" ? body : JSON.stringify(body),
        headers: { "content-type": "text/plain", ...headers },
      });

    await t.step("the secret is shown once and never stored in the clear", async () => {
      const read = await api.call("GET", `/api/v1/signal-sources/${id}`, { token: alice.token });
      assert.equal(read.status, 200);
      assert.equal(read.body.secret, undefined);
      assert.ok(!JSON.stringify(read.body).includes(secret));
      const [row] = await api.db.sql`select secret_sealed::text as s from signal_sources`;
      assert.ok(!String(row!.s).includes(Buffer.from(secret).toString("hex")));
      const other = await api.call("GET", `/api/v1/signal-sources/${id}`, { token: bob.token });
      assert.equal(other.status, 404);
    });

    await t.step("an alert answers after Kafka has it, as a signed private signal", async () => {
      const before = await onKafka();
      const answer = await hook({
        secret,
        ticker: "AAPL",
        signal: "BULLISH",
        confidence: 80,
        alert_id: "tv-1",
        timestamp: fresh(),
        price: 187.5,
        interval: "1D",
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body, { status: "accepted", signal_id: `${source}:a:tv-1` });
      assert.equal(await onKafka(), before + 1, "on Kafka by the time the answer came");
    });

    await t.step("a repeated alert id creates one signal", async () => {
      const before = await onKafka();
      const again = await hook({ secret, ticker: "AAPL", action: "buy", alert_id: "tv-1" });
      assert.deepEqual([again.status, again.body], [200, { status: "duplicate" }]);
      assert.equal(await onKafka(), before);
    });

    await t.step(
      "stale, bad secret, malformed are rejected; unknown sources look alike",
      async () => {
        const stale = await hook({
          secret,
          ticker: "AAPL",
          action: "buy",
          timestamp: Math.floor(Date.now() / 1000) - 3600,
        });
        assert.equal(stale.status, 422);
        assert.match(stale.body.error, /more than max_lag_seconds 60/);
        const bad = await hook({ secret: "tws_wrong", ticker: "AAPL", action: "buy" });
        const unknown = await api.call("POST", `/hooks/${crypto.randomUUID()}`, {
          raw: JSON.stringify({ secret, ticker: "AAPL", action: "buy" }),
        });
        const notAnId = await api.call("POST", "/hooks/nope", { raw: "ticker=AAPL action=buy" });
        for (const answer of [bad, unknown, notAnId]) {
          assert.deepEqual([answer.status, answer.body], [401, {
            error: "Invalid secret or signature",
            details: [],
          }]);
        }
        const malformed = await hook({ secret, ticker: "AAPL" });
        assert.equal(malformed.status, 400);
        assert.match(malformed.body.error, /"signal" or "action" is required/);
        const unstorable = await hook({ secret, ticker: "AAPL", action: "buy", note: "a\u0000b" });
        assert.equal(unstorable.status, 400);
        assert.match(unstorable.body.error, /field "metadata.note" must not contain NUL/);
      },
    );

    await t.step("text/plain key=value and an HMAC header are accepted too", async () => {
      const text = await hook(`secret=${secret}\nticker=MSFT\naction=sell\nalert_id=tv-2`);
      assert.equal(text.status, 200, JSON.stringify(text.body));
      const body = JSON.stringify({ ticker: "NVDA", signal: "BEARISH", alert_id: "h-1" });
      const mac = createHmac("sha256", secret).update(body).digest("hex");
      const signed = await hook(body, { "x-tickwire-signature": `sha256=${mac}` });
      assert.equal(signed.status, 200, JSON.stringify(signed.body));
      const forged = await hook(body.replace("h-1", "h-2"), {
        "x-tickwire-signature": `sha256=${mac}`,
      });
      assert.equal(forged.status, 401);
    });

    await t.step("the delivery log lists every outcome with its reason", async () => {
      const log = await api.call("GET", `/api/v1/signal-sources/${id}/deliveries`, {
        token: alice.token,
      });
      assert.equal(log.status, 200);
      const outcomes = log.body.items.map((d: { outcome: string }) => d.outcome).reverse();
      assert.deepEqual(outcomes, [
        "accepted",
        "duplicate",
        "stale",
        "bad_secret",
        "malformed",
        "malformed",
        "accepted",
        "accepted",
        "bad_secret",
      ]);
      const bad = log.body.items.find((d: { outcome: string }) => d.outcome === "bad_secret");
      assert.equal(bad.reason, "signature does not match");
      assert.ok(!JSON.stringify(log.body).includes(secret), "the secret is never logged");
      const other = await api.call("GET", `/api/v1/signal-sources/${id}/deliveries`, {
        token: bob.token,
      });
      assert.equal(other.status, 404);
    });

    await t.step("every message on Kafka is a private signal our intake signed", async () => {
      const keys = await loadIntakeKeys(api.db.sql);
      const consumer = kafka.kafka.consumer({ groupId: `${kafka.topic}-read` });
      const signals: unknown[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic: kafka.topic, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message }) => {
          const parsed = parseSignalMessage(message.value);
          assert.ok(parsed.ok);
          signals.push(...parsed.signals);
          return Promise.resolve();
        },
      });
      await pollUntil("three signals", () => (signals.length >= 3 ? true : undefined));
      await consumer.disconnect();
      for (const signal of signals as Parameters<typeof authenticateSignal>[0][]) {
        assert.equal(signal.owner_id, alice.id);
        assert.equal(signal.source, source);
        assert.equal(authenticateSignal(signal, keys.signing), null);
      }
      const first = signals[0] as Record<string, unknown>;
      assert.deepEqual(first.metadata, { interval: "1D" });
    });

    await t.step("rotating the secret retires the old one at once", async () => {
      const rotated = await api.call("POST", `/api/v1/signal-sources/${id}/rotate-secret`, {
        token: alice.token,
      });
      assert.equal(rotated.status, 200);
      assert.notEqual(rotated.body.secret, secret);
      const old = await hook({ secret, ticker: "AAPL", action: "buy", alert_id: "tv-3" });
      assert.equal(old.status, 401);
      const now = await hook({
        secret: rotated.body.secret,
        ticker: "AAPL",
        action: "buy",
        alert_id: "tv-3",
      });
      assert.equal(now.status, 200);
    });

    await admin.disconnect();
    await sender.close();
  },
});

Deno.test("signal intake: never answers before Kafka acknowledged; 503 and no dedup when it fails", async () => {
  let release!: (ok: boolean) => void;
  let sends = 0;
  const publishSignals = () => {
    sends++;
    return new Promise<void>((resolve, reject) =>
      release = (ok) => (ok ? resolve() : reject(new Error("broker down")))
    );
  };
  await using api = await createTestApi({}, { publishSignals });
  const alice = await api.user();
  const created = await api.call("POST", "/api/v1/signal-sources", {
    token: alice.token,
    body: { name: "tv" },
  });
  const body = { secret: created.body.secret, ticker: "AAPL", action: "buy", alert_id: "x" };
  const send = () => api.call("POST", `/hooks/${created.body.id}`, { body });

  let answered = false;
  const pending = send().then((a) => (answered = true, a));
  await pollUntil("the send to start", () => (sends === 1 ? true : undefined));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(answered, false, "no answer while Kafka has not acknowledged");
  release(false);
  assert.equal((await pending).status, 503);

  const retry = send();
  await pollUntil("the retry's send", () => (sends === 2 ? true : undefined));
  release(true);
  assert.equal((await retry).status, 200, "the failed attempt was not taken for a duplicate");
  const log = await api.call("GET", `/api/v1/signal-sources/${created.body.id}/deliveries`, {
    token: alice.token,
  });
  assert.deepEqual(log.body.items.map((d: { outcome: string }) => d.outcome), [
    "accepted",
    "unavailable",
  ]);
});

Deno.test("signal intake: same content without alert_id is a duplicate; over the rate is 429", async () => {
  const publishSignals = () => Promise.resolve();
  await using api = await createTestApi({}, { publishSignals });
  const alice = await api.user();
  const created = await api.call("POST", "/api/v1/signal-sources", {
    token: alice.token,
    body: { name: "tv", max_per_minute: 3 },
  });
  const send = (body: Record<string, unknown>) =>
    api.call("POST", `/hooks/${created.body.id}`, {
      body: { secret: created.body.secret, ticker: "AAPL", ...body },
    });
  // The limit counts per clock minute: start well inside one.
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
  const first = await send({ action: "buy", price: 10 });
  assert.equal(first.status, 200);
  assert.deepEqual((await send({ action: "buy", price: 10 })).body, { status: "duplicate" });
  assert.equal((await send({ action: "buy", price: 11 })).body.status, "accepted");
  const limited = await send({ action: "sell" });
  assert.equal(limited.status, 429);
  assert.match(limited.headers.get("retry-after") ?? "", /^\d+$/);
  const log = await api.call("GET", `/api/v1/signal-sources/${created.body.id}/deliveries`, {
    token: alice.token,
  });
  assert.deepEqual(log.body.items.map((d: { outcome: string }) => d.outcome), [
    "rate_limited",
    "accepted",
    "duplicate",
    "accepted",
  ]);
});

Deno.test("signal intake: content dedup holds past a Kafka timeout: the retry publishes the same signal id, later copies are duplicates", async () => {
  const published: string[] = [];
  let calls = 0;
  // The first send outlives the intake's timeout and then lands anyway, as a slow broker does.
  const publishSignals = async (messages: { value: string }[]) => {
    const slow = calls++ === 0;
    if (slow) await new Promise((r) => setTimeout(r, PUBLISH_TIMEOUT_MS + 300));
    for (const m of messages) {
      const parsed = parseSignalMessage(m.value);
      if (parsed.ok) published.push(...parsed.signals.map((s) => s.signal_id!));
    }
  };
  await using api = await createTestApi({}, { publishSignals });
  const alice = await api.user();
  const created = await api.call("POST", "/api/v1/signal-sources", {
    token: alice.token,
    body: { name: "tv" },
  });
  const send = () =>
    api.call("POST", `/hooks/${created.body.id}`, {
      body: { secret: created.body.secret, ticker: "AAPL", action: "buy", price: 10 },
    });
  assert.equal((await send()).status, 503);
  await pollUntil("the slow send to land", () => (published.length === 1 ? true : undefined));
  const retry = await send();
  assert.equal(retry.status, 200);
  assert.equal(retry.body.status, "accepted");
  assert.deepEqual(published, [retry.body.signal_id, retry.body.signal_id], "one signal id");
  await new Promise((r) => setTimeout(r, PUBLISH_TIMEOUT_MS + 100));
  assert.deepEqual((await send()).body, { status: "duplicate" }, "past the ack timeout too");
  assert.equal(published.length, 2);
});
