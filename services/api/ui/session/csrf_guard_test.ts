import assert from "node:assert/strict";
import { csrfProblem } from "./csrf_guard.ts";

const base = {
  method: "POST",
  url: "http://127.0.0.1:8000/pipelines",
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
