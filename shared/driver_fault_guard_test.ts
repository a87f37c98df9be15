import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { connectPostgres } from "./db.ts";
import { guardDriverFaults, isDriverWriteAfterClose } from "./driver_fault_guard.ts";
import { withTimeout } from "./timeout.ts";
import { createTestDatabase } from "../tests/fixtures/database.ts";

Deno.test("driver fault guard: a reserved connection whose backend dies does not take the process down", async () => {
  await using db = await createTestDatabase({ migrated: false });
  const guard = guardDriverFaults(getLogger(["test"]));
  const sql = connectPostgres(db.url, { max: 2 });
  try {
    const conn = await sql.reserve();
    const [row] = await conn<[{ pid: number }]>`select pg_backend_pid() as pid`;
    await db.sql`select pg_terminate_backend(${row.pid})`;
    await new Promise((r) => setTimeout(r, 200));
    // Without the guard the next line kills the test process with an uncaught TypeError.
    await assert.rejects(withTimeout(conn`select 1`, 1500, "Postgres"));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(guard.faults(), 1);
  } finally {
    guard.remove();
    await sql.end({ timeout: 0 });
  }
});

Deno.test("driver fault guard: other errors are not recognised", () => {
  assert.equal(
    isDriverWriteAfterClose(new TypeError("Cannot read properties of null (reading 'write')")),
    false,
  );
  assert.equal(isDriverWriteAfterClose(new Error("boom")), false);
  assert.equal(isDriverWriteAfterClose("x"), false);
});
