import { egressPolicy } from "../egress/egress_policy.ts";
import assert from "node:assert/strict";
import { agentContext } from "../../tests/fixtures/agent_context.ts";
import { NonRetryableError } from "./errors.ts";
import { notifyAgent, notifyParams, renderMessage } from "./notify.ts";

/** A local chat webhook answering `status` and keeping what it received. */
function chatServer(status: number, delayMs = 0) {
  const received: unknown[] = [];
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    async (req) => {
      received.push(await req.json());
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const body = status === 204 ? null : status < 400 ? "ok" : "invalid_token";
      return new Response(body, { status });
    },
  );
  const url = `http://127.0.0.1:${server.addr.port}/services/T0/B0/secret`;
  return { url, received, [Symbol.asyncDispose]: () => server.shutdown() };
}

const ctx = agentContext(undefined as never, "u1", {
  signal: { ticker: "AAPL", signal: "BULLISH", confidence: 85 },
  outputs: { order: { quantity: 200, ticker: "AAPL", fill_price: 50.05, fees: null } },
});

Deno.test("notify agent: posts a Slack/Discord message with the placeholders filled", async () => {
  await using chat = chatServer(200);
  const params = notifyParams.parse({
    url: chat.url,
    text:
      "Bought {{ order.quantity }} {{order.ticker}} at {{order.fill_price}} (fees {{order.fees}})",
    username: "Tickwire",
    fields: { icon_emoji: ":chart_with_upwards_trend:" },
  });
  const result = await notifyAgent.run(params, ctx);
  const text = "Bought 200 AAPL at 50.05 (fees n/a)";
  assert.deepEqual(result, { output: { status: 200, text } });
  assert.deepEqual(chat.received, [{
    icon_emoji: ":chart_with_upwards_trend:",
    username: "Tickwire",
    text,
    content: text,
  }]);
});

Deno.test("notify agent: the default text describes the signal", async () => {
  await using chat = chatServer(204);
  await notifyAgent.run(notifyParams.parse({ url: chat.url }), ctx);
  assert.deepEqual(chat.received, [{
    text: "BULLISH signal on AAPL (confidence 85)",
    content: "BULLISH signal on AAPL (confidence 85)",
  }]);
});

Deno.test("notify agent: 4xx is non-retryable, 5xx and timeouts are retryable", async () => {
  {
    await using chat = chatServer(404);
    await assert.rejects(
      notifyAgent.run(notifyParams.parse({ url: chat.url }), ctx),
      (e: Error) =>
        e instanceof NonRetryableError &&
        /^notify webhook "http:\/\/127\.0\.0\.1:\d+\/…" answered 404: invalid_token$/.test(
          e.message,
        ),
    );
  }
  {
    await using chat = chatServer(503);
    await assert.rejects(
      notifyAgent.run(notifyParams.parse({ url: chat.url }), ctx),
      (e: Error) => !(e instanceof NonRetryableError) && /answered 503/.test(e.message),
    );
  }
  {
    await using chat = chatServer(200, 1000);
    await assert.rejects(
      notifyAgent.run(notifyParams.parse({ url: chat.url, timeout_seconds: 0.1 }), ctx),
      (e: Error) => !(e instanceof NonRetryableError) && /no response within 0.1 s/.test(e.message),
    );
  }
});

Deno.test("notify: an unknown placeholder path is non-retryable; the URL must be http(s)", () => {
  assert.throws(
    () => renderMessage("{{order.price}}", ctx),
    (e: Error) =>
      e instanceof NonRetryableError &&
      /Unknown path "order.price": order has no "price"/.test(e.message),
  );
  assert.equal(renderMessage("no placeholders {{ }}", ctx), "no placeholders {{ }}");
  assert.equal(notifyParams.safeParse({ url: "ftp://example.com/x" }).success, false);
});

Deno.test("notify agent: refuses a loopback webhook by default, without sending", async () => {
  await using chat = chatServer(200);
  const strict = { ...ctx, egress: egressPolicy("") };
  await assert.rejects(
    notifyAgent.run(notifyParams.parse({ url: chat.url }), strict),
    (error: Error) =>
      error instanceof NonRetryableError &&
      /refused: 127\.0\.0\.1 is a loopback address; allow it with EGRESS_ALLOWED_NETWORKS=/.test(
        error.message,
      ) && !error.message.includes("secret"),
  );
  assert.equal(chat.received.length, 0);
});
