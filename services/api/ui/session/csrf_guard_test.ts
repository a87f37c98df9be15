import assert from "node:assert/strict";
import { csrfProblem } from "./csrf_guard.ts";

const base = {
  method: "POST",
  ownOrigin: "http://127.0.0.1:8000",
  origin: undefined,
  cookie: "a".repeat(64),
  sent: "a".repeat(64),
};

Deno.test("csrfProblem: safe methods pass without a token", () => {
  assert.equal(csrfProblem({ ...base, method: "GET", cookie: undefined, sent: undefined }), null);
});

Deno.test("csrfProblem: a POST echoing the cookie from the same origin passes", () => {
  assert.equal(csrfProblem(base), null);
  assert.equal(csrfProblem({ ...base, origin: "http://127.0.0.1:8000" }), null);
});

Deno.test("csrfProblem: another origin, a missing or a different token are refused", () => {
  assert.equal(
    csrfProblem({ ...base, origin: "https://evil.example" }),
    'Cross-origin request from "https://evil.example" refused',
  );
  assert.equal(csrfProblem({ ...base, sent: undefined }), "Missing CSRF token; reload the page");
  assert.equal(csrfProblem({ ...base, cookie: undefined }), "Missing CSRF token; reload the page");
  assert.equal(
    csrfProblem({ ...base, sent: "b".repeat(64) }),
    "Invalid CSRF token; reload the page",
  );
  assert.equal(csrfProblem({ ...base, sent: "a" }), "Invalid CSRF token; reload the page");
});

Deno.test("csrfProblem: behind an untrusted proxy, a refusal says to set API_TRUST_PROXY", () => {
  const origin = "https://tickwire.example.com";
  assert.equal(
    csrfProblem({ ...base, origin, untrustedProxy: true }),
    `Cross-origin request from "${origin}" refused (this server is "http://127.0.0.1:8000"; ` +
      "behind a TLS-terminating proxy, set API_TRUST_PROXY=true so its X-Forwarded-Proto and " +
      "X-Forwarded-Host count)",
  );
  assert.equal(csrfProblem({ ...base, origin, ownOrigin: origin, untrustedProxy: false }), null);
});
