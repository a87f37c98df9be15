import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { loadIntakeKeys } from "./intake_keys.ts";

Deno.test("intake keys: created once; concurrent first loads agree; signing ≠ sealing", async () => {
  await using db = await createTestDatabase();
  const loads = await Promise.all(Array.from({ length: 5 }, () => loadIntakeKeys(db.sql)));
  for (const keys of loads) assert.deepEqual(keys, loads[0]);
  assert.equal(loads[0]!.signing.length, 32);
  assert.notDeepEqual(loads[0]!.signing, loads[0]!.sealing);
  const [{ count }] = await db.sql<[{ count: number }]>`select count(*)::int from intake_keys`;
  assert.equal(count, 1);
  assert.deepEqual(await loadIntakeKeys(db.sql), loads[0]);
});
