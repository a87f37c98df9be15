/** pinnedFetch against real local servers: refusal, allowlisting, pinning, redirects, caps, TLS. */
import assert from "node:assert/strict";
import { type EgressPolicy, egressPolicy, EgressRefusedError } from "./egress_policy.ts";
import { parseIpAddress } from "./ip_address.ts";
import { pinnedFetch } from "./pinned_fetch.ts";

const TLS = new URL("../../tests/fixtures/tls/", import.meta.url);

/** A local server; `handle` answers, every request is recorded. */
function server(
  handle: (req: Request) => Response | Promise<Response> = () => new Response("ok"),
  options: { hostname?: string; cert?: string; key?: string } = {},
) {
  const requests: { method: string; url: string; host: string | null; body: string }[] = [];
  const s = Deno.serve(
    { port: 0, hostname: options.hostname ?? "127.0.0.1", onListen: () => {}, ...options },
    async (req) => {
      const body = await req.text();
      requests.push({ method: req.method, url: req.url, host: req.headers.get("host"), body });
      return handle(req);
    },
  );
  return { port: s.addr.port, requests, [Symbol.asyncDispose]: () => s.shutdown() };
}

const post = (policy: EgressPolicy, extra: Partial<Parameters<typeof pinnedFetch>[1]> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: "{}",
  signal: AbortSignal.timeout(10_000),
  policy,
  ...extra,
});

/** Resolves every name in `table` as DNS would, and nothing else. */
const resolver = (table: Record<string, string[]>) => (host: string) => {
  const addresses = table[host];
  if (!addresses) return Promise.reject(new Error("no such name"));
  return Promise.resolve(addresses.map((a) => parseIpAddress(a)!));
};

Deno.test("pinnedFetch: loopback in every numeric form is refused by default; nothing is sent", async () => {
  await using target = server();
  const strict = egressPolicy("");
  for (
    const host of [
      "127.0.0.1",
      "2130706433",
      "0x7f000001",
      "0177.0.0.1",
      "127.1",
      "0x7f.1",
      "localhost",
      "[::1]",
      "[::ffff:127.0.0.1]",
      "0.0.0.0",
    ]
  ) {
    await assert.rejects(
      () => pinnedFetch(`http://${host}:${target.port}/hook`, post(strict)),
      (error: Error) =>
        error instanceof EgressRefusedError &&
        /^refused: .*(a loopback|an unspecified) address; allow it with EGRESS_ALLOWED_NETWORKS=/
          .test(error.message),
      host,
    );
  }
  assert.equal(target.requests.length, 0);
});

Deno.test("pinnedFetch: an allowed network is called, and the answer is capped", async () => {
  await using target = server(() => new Response("x".repeat(100_000)));
  const answer = await pinnedFetch(
    `http://2130706433:${target.port}/hook`,
    post(egressPolicy("127.0.0.1/32"), { maxResponseBytes: 1000 }),
  );
  assert.equal(answer.status, 200);
  assert.equal(answer.text, "x".repeat(1000));
  assert.equal(answer.truncated, true);
  assert.equal(target.requests.length, 1);
  assert.equal(target.requests[0]!.body, "{}");
  const small = await pinnedFetch(`http://127.0.0.1:${target.port}/`, {
    ...post(egressPolicy("127.0.0.0/8")),
    maxResponseBytes: 100_000,
  });
  assert.equal(small.truncated, false);
});

Deno.test("pinnedFetch: a name is checked after resolution and the checked address is dialled", async () => {
  await using target = server();
  // "hooks.example.test" exists in no DNS: a request reaches the server only through the pin.
  const resolve = resolver({
    "hooks.example.test": ["127.0.0.1"],
    "mixed.example.test": ["8.8.8.8", "10.0.0.1"],
  });
  await assert.rejects(
    () => pinnedFetch(`http://hooks.example.test:${target.port}/`, post({ allow: [], resolve })),
    (error: Error) =>
      error.message ===
        'refused: "hooks.example.test" resolves to 127.0.0.1, a loopback address; ' +
          "allow it with EGRESS_ALLOWED_NETWORKS=127.0.0.1/32",
  );
  // Every address a name resolves to must pass, not just the first.
  await assert.rejects(
    () => pinnedFetch(`http://mixed.example.test/`, post({ allow: [], resolve })),
    /resolves to 10\.0\.0\.1, a private address/,
  );
  const allowed = { ...egressPolicy("127.0.0.1/32"), resolve };
  const answer = await pinnedFetch(`http://hooks.example.test:${target.port}/x`, post(allowed));
  assert.equal(answer.status, 200);
  assert.equal(target.requests[0]!.host, `hooks.example.test:${target.port}`);
  await assert.rejects(
    () => pinnedFetch("http://unknown.example.test/", post(allowed)),
    (error: Error) =>
      !(error instanceof EgressRefusedError) && /Cannot resolve/.test(error.message),
  );
});

Deno.test("pinnedFetch: every redirect target is checked again", async () => {
  await using inner = server(() => new Response("secret metrics"));
  await using outer = server((req) => {
    const to = new URL(req.url).searchParams.get("to")!;
    return new Response(null, { status: 307, headers: { location: to } });
  });
  // Only the outer server's address is allowed (127.0.0.2 is loopback too on Linux, but not
  // allowed): the redirect to the inner server is refused.
  const policy = egressPolicy("127.0.0.1/32");
  const to = encodeURIComponent(`http://127.0.0.2:${inner.port}/metrics`);
  await assert.rejects(
    () => pinnedFetch(`http://127.0.0.1:${outer.port}/?to=${to}`, post(policy)),
    /refused: 127\.0\.0\.2 is a loopback address/,
  );
  const metadata = encodeURIComponent("http://169.254.169.254/latest/meta-data/");
  await assert.rejects(
    () => pinnedFetch(`http://127.0.0.1:${outer.port}/?to=${metadata}`, post(policy)),
    /refused: 169\.254\.169\.254 is a link-local address/,
  );
  const file = encodeURIComponent("file:///etc/passwd");
  await assert.rejects(
    () => pinnedFetch(`http://127.0.0.1:${outer.port}/?to=${file}`, post(policy)),
    EgressRefusedError,
  );
  assert.equal(inner.requests.length, 0);
});

Deno.test("pinnedFetch: redirects within the allowlist are followed, 303 as a GET, at most N", async () => {
  let hops = 0;
  await using target = server((req) => {
    const path = new URL(req.url).pathname;
    if (path === "/see-other") {
      return new Response(null, { status: 303, headers: { location: "/done" } });
    }
    if (path === "/loop") {
      hops++;
      return new Response(null, { status: 302, headers: { location: "/loop" } });
    }
    return new Response(`${req.method} ${path}`);
  });
  const policy = egressPolicy("127.0.0.1/32");
  const answer = await pinnedFetch(`http://127.0.0.1:${target.port}/see-other`, post(policy));
  assert.equal(answer.text, "GET /done");
  assert.equal(answer.url, `http://127.0.0.1:${target.port}/done`);
  await assert.rejects(
    () => pinnedFetch(`http://127.0.0.1:${target.port}/loop`, post(policy, { maxRedirects: 3 })),
    /Too many redirects \(more than 3\)/,
  );
  assert.equal(hops, 4);
});

Deno.test("pinnedFetch: HTTPS goes to the checked address and verifies the URL's host name", async () => {
  const [ca, cert, key] = await Promise.all([
    Deno.readTextFile(new URL("ca.pem", TLS)),
    Deno.readTextFile(new URL("hooks_example_test.pem", TLS)),
    Deno.readTextFile(new URL("hooks_example_test.key", TLS)),
  ]);
  await using target = server(() => new Response("over tls"), { cert, key });
  const resolve = resolver({
    "hooks.example.test": ["127.0.0.1"],
    "other.example.test": ["127.0.0.1"],
  });
  const policy = { ...egressPolicy("127.0.0.1/32"), resolve };
  const answer = await pinnedFetch(
    `https://hooks.example.test:${target.port}/hook`,
    post(policy, { caCerts: [ca] }),
  );
  assert.equal(answer.text, "over tls");
  assert.equal(target.requests[0]!.body, "{}");
  // Same address, a name the certificate does not cover: TLS still refuses it.
  await assert.rejects(() =>
    pinnedFetch(`https://other.example.test:${target.port}/`, post(policy, { caCerts: [ca] }))
  );
  await assert.rejects(
    () => pinnedFetch(`https://hooks.example.test:${target.port}/`, post({ allow: [], resolve })),
    EgressRefusedError,
  );
});
