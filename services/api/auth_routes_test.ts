import assert from "node:assert/strict";
import { tokenHash } from "./api_tokens.ts";
import { createTestApi } from "./test_api.ts";

const password = "correct horse battery staple";

Deno.test("auth: register, log in, use the token, revoke it", async () => {
  await using api = await createTestApi();
  const reg = await api.call("POST", "/api/v1/auth/register", {
    body: { email: " Alice@Example.COM ", password },
  });
  assert.equal(reg.status, 201);
  assert.equal(reg.body.email, "alice@example.com");
  assert.match(reg.body.id, /^[0-9a-f-]{36}$/);

  const login = await api.call("POST", "/api/v1/auth/tokens", {
    body: { email: "ALICE@example.com", password },
  });
  assert.equal(login.status, 201);
  assert.match(login.body.token, /^tw_[\w-]{43}$/);
  const ttl = Date.parse(login.body.expires_at) - Date.now();
  assert.ok(Math.abs(ttl - api.config.API_TOKEN_TTL_SECONDS * 1000) < 60_000, `ttl ${ttl}`);
  const { token } = login.body;

  assert.equal((await api.call("GET", "/api/v1/pipelines", { token })).status, 200);
  const revoke = await api.call("DELETE", "/api/v1/auth/tokens/current", { token });
  assert.equal(revoke.status, 204);
  const after = await api.call("GET", "/api/v1/pipelines", { token });
  assert.equal(after.status, 401);
  assert.equal(after.body.error, "The token is invalid, expired or revoked");
  assert.equal(after.headers.get("www-authenticate"), 'Bearer realm="tickwire"');
});

Deno.test("auth: only the token's SHA-256 and a scrypt hash of the password are stored", async () => {
  await using api = await createTestApi();
  const { id, token } = await api.user();
  const [row] = await api.db.sql`select token_hash from api_tokens where user_id = ${id}`;
  assert.deepEqual(Buffer.from(row!.token_hash), tokenHash(token));
  const [user] = await api.db.sql`select password_hash from users where id = ${id}`;
  assert.match(user!.password_hash, /^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/);
});

Deno.test("auth: an email already taken, in any case, answers 409", async () => {
  await using api = await createTestApi();
  const body = { email: "bob@example.com", password };
  assert.equal((await api.call("POST", "/api/v1/auth/register", { body })).status, 201);
  const again = await api.call("POST", "/api/v1/auth/register", {
    body: { ...body, email: "BOB@example.com" },
  });
  assert.equal(again.status, 409);
  assert.equal(again.body.error, 'Email "bob@example.com" is already registered');
});

Deno.test("auth: registration validates email and password, rejects unknown fields", async () => {
  await using api = await createTestApi();
  const res = await api.call("POST", "/api/v1/auth/register", {
    body: { email: "not-an-email", password: "short", admin: true },
  });
  assert.equal(res.status, 422);
  assert.deepEqual(res.body.details, [
    { path: "email", message: "must be an email address" },
    { path: "password", message: "must be at least 8 characters" },
    { path: "admin", message: "is not a known field" },
  ]);
});

Deno.test("auth: a wrong password and an unknown email fail alike", async () => {
  await using api = await createTestApi();
  const { email } = await api.user();
  const wrong = await api.call("POST", "/api/v1/auth/tokens", {
    body: { email, password: "not the password" },
  });
  const unknown = await api.call("POST", "/api/v1/auth/tokens", {
    body: { email: "nobody@test.local", password: "not the password" },
  });
  assert.equal(wrong.status, 401);
  assert.deepEqual(unknown, { ...wrong, headers: unknown.headers });
  assert.deepEqual(wrong.body, { error: "Invalid email or password", details: [] });
});

Deno.test("auth: login attempts are limited per email", async () => {
  await using api = await createTestApi({ API_LOGIN_MAX_ATTEMPTS_PER_EMAIL: 2 });
  const { email } = await api.user(); // its successful login reset the email's count
  const attempt = (client: string) =>
    api.call("POST", "/api/v1/auth/tokens", {
      body: { email, password: "wrong password" },
      headers: { "x-test-client": client },
    });
  assert.equal((await attempt("198.51.100.1")).status, 401);
  assert.equal((await attempt("198.51.100.2")).status, 401);
  const limited = await attempt("198.51.100.3");
  assert.equal(limited.status, 429);
  assert.match(limited.body.error, /^Too many attempts; retry in \d+ s$/);
  assert.ok(Number(limited.headers.get("retry-after")) > 0);
  // Even the right password waits out the window: the limit is checked before the password.
  const right = await api.call("POST", "/api/v1/auth/tokens", {
    body: { email, password: "a long enough password" },
  });
  assert.equal(right.status, 429);
});

Deno.test("auth: login attempts are limited per client address across emails", async () => {
  await using api = await createTestApi({ API_LOGIN_MAX_ATTEMPTS_PER_ADDRESS: 3 });
  const statuses = [];
  for (let i = 0; i < 4; i++) {
    const res = await api.call("POST", "/api/v1/auth/tokens", {
      body: { email: `user${i}@test.local`, password: "wrong password" },
      headers: { "x-test-client": "203.0.113.9" },
    });
    statuses.push(res.status);
  }
  assert.deepEqual(statuses, [401, 401, 401, 429]);
  const other = await api.call("POST", "/api/v1/auth/tokens", {
    body: { email: "user0@test.local", password: "wrong password" },
    headers: { "x-test-client": "203.0.113.10" },
  });
  assert.equal(other.status, 401);
});

Deno.test("auth: missing, malformed, unknown and expired tokens answer 401", async () => {
  await using api = await createTestApi();
  const { id, token } = await api.user();
  const missing = await api.call("GET", "/api/v1/pipelines");
  assert.equal(missing.status, 401);
  assert.equal(missing.body.error, 'Missing "Authorization: Bearer <token>" header');
  const basic = await api.call("GET", "/api/v1/pipelines", {
    headers: { authorization: "Basic dXNlcjpwYXNz" },
  });
  assert.equal(basic.status, 401);
  assert.equal((await api.call("GET", "/api/v1/pipelines", { token: "tw_unknown" })).status, 401);
  await api.db.sql`update api_tokens set expires_at = now() - interval '1 second'
    where user_id = ${id}`;
  assert.equal((await api.call("GET", "/api/v1/pipelines", { token })).status, 401);
  assert.equal((await api.call("DELETE", "/api/v1/auth/tokens/current")).status, 401);
});
