import assert from "node:assert/strict";
import { isRedisUnavailable } from "./redis_unavailable.ts";

Deno.test("redis unavailable: timed out, closed or out of retries is; a refused command is not", () => {
  assert.equal(isRedisUnavailable(new Error("Command timed out")), true);
  assert.equal(isRedisUnavailable(new Error("Connection is closed.")), true);
  const retries = Object.assign(
    new Error("Reached the max retries per request limit (which is 1)"),
    {
      name: "MaxRetriesPerRequestError",
    },
  );
  assert.equal(isRedisUnavailable(retries), true);
  assert.equal(
    isRedisUnavailable(new Error("Cannot enqueue", { cause: new Error("Command timed out") })),
    true,
  );
  assert.equal(
    isRedisUnavailable(new Error("WRONGTYPE Operation against a key holding the wrong kind")),
    false,
  );
  assert.equal(isRedisUnavailable("Command timed out"), false);
  assert.equal(isRedisUnavailable(null), false);
});
