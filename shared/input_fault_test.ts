import assert from "node:assert/strict";
import { isInputFault } from "./input_fault.ts";
import { createTestDatabase } from "../tests/fixtures/database.ts";

Deno.test("input fault: Postgres data errors are the input's; a missing table or a refused connection is not", async () => {
  await using db = await createTestDatabase({ migrated: false });
  const fault = (run: () => Promise<unknown>) =>
    run().then(() => assert.fail("no error"), (e) => e);
  assert.ok(isInputFault(await fault(() => db.sql`select ${"nul\u0000"}::text`)));
  assert.ok(isInputFault(await fault(() => db.sql`select ${"0000-01-01T00:00:00Z"}::timestamptz`)));
  assert.ok(isInputFault(await fault(() => db.sql`select ${"x"}::int`)));
  assert.equal(isInputFault(await fault(() => db.sql`select * from no_such_table`)), false);
  assert.equal(
    isInputFault(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    false,
  );
  assert.equal(isInputFault(new Error("WRONGTYPE Operation against a key")), false);
});

Deno.test("input fault: kafkajs record errors are the input's, wrapped or not", () => {
  const tooLarge = Object.assign(new Error("The request included a message larger than the max"), {
    name: "KafkaJSProtocolError",
    type: "MESSAGE_TOO_LARGE",
  });
  assert.ok(isInputFault(tooLarge));
  assert.ok(isInputFault(new Error("send failed", { cause: tooLarge })));
  const notLeader = Object.assign(new Error("not leader"), {
    name: "KafkaJSProtocolError",
    type: "NOT_LEADER_FOR_PARTITION",
  });
  assert.equal(isInputFault(notLeader), false);
});
