import assert from "node:assert/strict";
import { isPostgresUnavailable } from "./postgres_unavailable.ts";

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

Deno.test("isPostgresUnavailable: connection failures and a server not serving", () => {
  for (
    const code of [
      "ECONNREFUSED",
      "CONNECTION_CLOSED",
      "CONNECT_TIMEOUT",
      "CONNECTION_DESTROYED",
      "57P01", // admin shutdown
      "57P03", // cannot connect now (starting up)
      "53300", // too many connections
      "08006", // connection failure
    ]
  ) {
    assert.ok(isPostgresUnavailable(withCode(code)), code);
  }
  assert.ok(isPostgresUnavailable(new Error("wrapped", { cause: withCode("ECONNRESET") })));
});

Deno.test("isPostgresUnavailable: statement errors and other failures are not", () => {
  for (const code of ["23505", "22P02", "42P01", "57014", "40001"]) {
    assert.ok(!isPostgresUnavailable(withCode(code)), code);
  }
  assert.ok(!isPostgresUnavailable(new Error("boom")));
  assert.ok(!isPostgresUnavailable("ECONNREFUSED"));
  assert.ok(!isPostgresUnavailable(null));
});
