import { egressPolicy } from "../egress/egress_policy.ts";
import { LOOPBACK_ALLOWED } from "../../tests/fixtures/agent_context.ts";
import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { signBody, webhookAgent, webhookParams } from "./webhook.ts";
import { NonRetryableError } from "./errors.ts";
import type { AgentContext } from "./agent.ts";

interface Received {
  body: string;
  signature: string | null;
  execution: string | null;
  attempt: string | null;
}

/** A local server answering each request with the next status of `statuses` (then the last). */
function hookServer(statuses: number[]) {
  const received: Received[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    received.push({
      body: await req.text(),
      signature: req.headers.get("x-tickwire-signature"),
      execution: req.headers.get("x-tickwire-execution"),
      attempt: req.headers.get("x-tickwire-attempt"),
    });
    const status = statuses[Math.min(received.length, statuses.length) - 1]!;
    return Response.json({ ok: status < 400 }, { status });
  });
  const url = `http://127.0.0.1:${server.addr.port}/hook`;
  return { url, received, [Symbol.asyncDispose]: () => server.shutdown() };
}

function context(abort = new AbortController().signal): AgentContext {
  return {
    signal: { ticker: "AAPL", signal: "BULLISH", confidence: 85 },
    pipeline: { id: "p1", owner_id: "u1", name: "AAPL trader", account: "default" },
    execution: { id: "e1", trigger_kind: "signal", attempt: 1 },
    outputs: { gate: { passed: true } },
    abort,
    log: getLogger(["test"]),
    sql: undefined as never,
    egress: LOOPBACK_ALLOWED,
    market: undefined as never,
    ledger: undefined as never,
  };
}

const params = (p: Record<string, unknown>) =>
  webhookParams.parse({ retry_delay_seconds: 0.01, ...p });

Deno.test("webhook: posts the context as JSON signed with HMAC-SHA256", async () => {
  await using hook = hookServer([200]);
  const result = await webhookAgent.run(params({ url: hook.url, secret: "s3cret" }), context());
  assert.deepEqual(result.output, { status: 200, body: { ok: true }, attempts: 1 });
  const [request] = hook.received;
  assert.deepEqual(JSON.parse(request!.body), {
    execution: { id: "e1", trigger_kind: "signal", attempt: 1 },
    pipeline: { id: "p1", owner_id: "u1", name: "AAPL trader", account: "default" },
    signal: { ticker: "AAPL", signal: "BULLISH", confidence: 85 },
    outputs: { gate: { passed: true } },
  });
  assert.equal(request!.signature, await signBody("s3cret", request!.body));
  assert.equal(request!.execution, "e1");
  assert.equal(request!.attempt, "1");
  assert.match(request!.signature!, /^sha256=[0-9a-f]{64}$/);
});

Deno.test("webhook: signBody matches a known HMAC-SHA256 vector", async () => {
  // RFC 4231 test case 2.
  assert.equal(
    await signBody("Jefe", "what do ya want for nothing?"),
    "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  );
});

Deno.test("webhook: a 5xx is retried within the step, then succeeds", async () => {
  await using hook = hookServer([503, 502, 200]);
  const result = await webhookAgent.run(params({ url: hook.url, retries: 2 }), context());
  assert.equal((result.output as { attempts: number }).attempts, 3);
  assert.equal(hook.received[0]!.signature, null);
});

Deno.test("webhook: a 5xx past the retries is a retryable error", async () => {
  await using hook = hookServer([500]);
  await assert.rejects(
    () => webhookAgent.run(params({ url: hook.url, retries: 1 }), context()),
    (error: Error) => !(error instanceof NonRetryableError) && /answered 500/.test(error.message),
  );
  assert.equal(hook.received.length, 2);
});

Deno.test("webhook: a 4xx fails at once with a NonRetryableError", async () => {
  await using hook = hookServer([422]);
  await assert.rejects(
    () => webhookAgent.run(params({ url: hook.url, retries: 3 }), context()),
    NonRetryableError,
  );
  assert.equal(hook.received.length, 1);
});

Deno.test("webhook: a connection refused and a slow server are retryable errors", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedUrl = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/`;
  listener.close();
  await assert.rejects(
    () => webhookAgent.run(params({ url: closedUrl, retries: 0 }), context()),
    (error: Error) => !(error instanceof NonRetryableError) && /Cannot POST/.test(error.message),
  );
  const release = Promise.withResolvers<void>();
  const slow = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async () => {
    await release.promise;
    return new Response("late");
  });
  try {
    await assert.rejects(
      () =>
        webhookAgent.run(
          params({ url: `http://127.0.0.1:${slow.addr.port}/`, timeout_seconds: 0.1, retries: 0 }),
          context(),
        ),
      /no response within 0.1 s/,
    );
  } finally {
    release.resolve();
    await slow.shutdown();
  }
});

Deno.test("webhook: refuses a loopback address by default and says how to allow it", async () => {
  await using hook = hookServer([200]);
  await assert.rejects(
    () => webhookAgent.run(params({ url: hook.url }), { ...context(), egress: egressPolicy("") }),
    (error: Error) =>
      error instanceof NonRetryableError &&
      /refused: 127\.0\.0\.1 is a loopback address; allow it with EGRESS_ALLOWED_NETWORKS/.test(
        error.message,
      ),
  );
  assert.equal(hook.received.length, 0);
});

Deno.test("webhook: keeps at most 8 KiB of the answer in its output, and says so", async () => {
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response("m".repeat(50_000)),
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}/metrics`;
    const { output } = await webhookAgent.run(params({ url }), context());
    assert.deepEqual(output, { status: 200, body: "m".repeat(8192), truncated: true, attempts: 1 });
  } finally {
    await server.shutdown();
  }
});
