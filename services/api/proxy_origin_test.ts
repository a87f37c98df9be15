/**
 * The web app behind a TLS-terminating proxy: the browser's Origin is https://public-host while
 * the request reaches us as http://127.0.0.1. Through app.request on the real stores.
 */
import assert from "node:assert/strict";
import { createTestApi, type TestApi } from "./test_api.ts";

const PUBLIC = "https://tickwire.example.com";
const proxied = {
  origin: PUBLIC,
  "x-forwarded-proto": "https",
  "x-forwarded-host": "tickwire.example.com",
  "x-forwarded-for": "203.0.113.7",
};

/** A browser's registration through the proxy: the sign-in page's CSRF cookie, then the form. */
async function register(api: TestApi) {
  const page = await api.app.request("http://127.0.0.1:8000/sign-in", { headers: proxied });
  const csrf = /tw_csrf=([\w-]+)/.exec(page.headers.get("set-cookie") ?? "")?.[1];
  assert.ok(csrf);
  const form = new URLSearchParams({
    email: `${crypto.randomUUID().slice(0, 8)}@proxy.test`,
    password: "correct horse battery staple",
    _csrf: csrf,
  });
  const res = await api.app.request("http://127.0.0.1:8000/register", {
    method: "POST",
    body: form,
    headers: {
      ...proxied,
      "content-type": "application/x-www-form-urlencoded",
      cookie: `tw_csrf=${csrf}`,
    },
  });
  return { page, res };
}

Deno.test("proxy: with API_TRUST_PROXY the forwarded https origin passes the CSRF check and cookies are Secure", async () => {
  await using api = await createTestApi({ API_TRUST_PROXY: true });
  const { page, res } = await register(api);
  assert.match(page.headers.get("set-cookie") ?? "", /tw_csrf=[^;]+;.*Secure/);
  assert.equal(res.status, 303, await res.clone().text());
  assert.match(res.headers.get("set-cookie") ?? "", /tw_session=[^;]+;.*Secure/);

  // A page of another site is still refused, whatever the proxy forwards.
  const evil = await api.app.request("http://127.0.0.1:8000/register", {
    method: "POST",
    headers: { ...proxied, origin: "https://evil.example", "x-csrf-token": "a".repeat(64) },
  });
  assert.equal(evil.status, 403);
  assert.equal(await evil.text(), 'Cross-origin request from "https://evil.example" refused');
});

Deno.test("proxy: without API_TRUST_PROXY the forwarded origin is refused, with the setting to change", async () => {
  await using api = await createTestApi({ API_TRUST_PROXY: false });
  const { page, res } = await register(api);
  assert.doesNotMatch(page.headers.get("set-cookie") ?? "", /Secure/);
  assert.equal(res.status, 403);
  assert.equal(
    await res.text(),
    `Cross-origin request from "${PUBLIC}" refused (this server is "http://127.0.0.1:8000"; ` +
      "behind a TLS-terminating proxy, set API_TRUST_PROXY=true so its X-Forwarded-Proto and " +
      "X-Forwarded-Host count)",
  );
});

Deno.test("proxy: a webhook source's URL is on the public origin when the proxy is trusted", async () => {
  for (const [trust, origin] of [[true, PUBLIC], [false, "http://127.0.0.1:8000"]] as const) {
    await using api = await createTestApi({ API_TRUST_PROXY: trust });
    const { token } = await api.user();
    const res = await api.app.request("http://127.0.0.1:8000/api/v1/signal-sources", {
      method: "POST",
      body: JSON.stringify({ name: "tv" }),
      headers: { ...proxied, authorization: `Bearer ${token}`, "content-type": "application/json" },
    });
    assert.equal(res.status, 201);
    const body = await res.json();
    assert.equal(body.url, `${origin}/hooks/${body.id}`);
  }
});
