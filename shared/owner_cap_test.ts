import assert from "node:assert/strict";
import { createTestDatabase } from "../tests/fixtures/database.ts";
import { insertUser } from "../tests/fixtures/pipelines.ts";
import { scannerBody } from "../tests/fixtures/scanners.ts";
import { createScannerStore } from "./expressions/user_scanner_store.ts";

Deno.test("checkOwnerCap: creates racing for an owner's last place leave one in it", async () => {
  await using db = await createTestDatabase({ max: 8 });
  const owner = await insertUser(db.sql);
  const store = createScannerStore(db.sql);
  const body = scannerBody;
  const cap = (count: number) => {
    if (count >= 3) throw new RangeError("full");
  };
  await store.create(owner, body, cap);
  await store.create(owner, body, cap);
  // Six transactions at once, each on a connection already open (a new one would connect after
  // the first transaction is done): without the owner's lock all six count 2 and insert.
  await Promise.all(Array.from({ length: 8 }, () => db.sql`select pg_sleep(0.05)`));
  const outcomes = await Promise.allSettled(
    Array.from({ length: 6 }, () => store.create(owner, body, cap)),
  );
  assert.deepEqual(outcomes.map((o) => o.status).sort(), [
    "fulfilled",
    "rejected",
    "rejected",
    "rejected",
    "rejected",
    "rejected",
  ]);
  const [{ n }] = await db.sql<[{ n: number }]>`
    select count(*)::int as n from user_scanners where owner_id = ${owner}`;
  assert.equal(n, 3);
});
