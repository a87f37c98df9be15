import assert from "node:assert/strict";
import { createScannerStore } from "../../shared/expressions/user_scanner_store.ts";
import { serviceLogger } from "../../shared/logging.ts";
import { pollUntil } from "../../shared/poll_until.ts";
import { createTestDatabase } from "../../tests/fixtures/database.ts";
import { insertUser } from "../../tests/fixtures/pipelines.ts";
import { scannerBody } from "../../tests/fixtures/scanners.ts";
import { watchUserScanners } from "./user_scanners.ts";

const body = scannerBody;

Deno.test("user scanners: created, paused and deleted scanners take effect on the change, not the refresh", async () => {
  await using db = await createTestDatabase();
  const owner = await insertUser(db.sql);
  const store = createScannerStore(db.sql);
  const stop = new AbortController();
  try {
    // A refresh far beyond the waits below: only the followed changes can explain what is seen.
    const watched = await watchUserScanners({
      sql: db.sql,
      log: serviceLogger("watch-user-scanners-test"),
      priceColumn: "close",
      refreshMs: 600_000,
    }, stop.signal);
    assert.deepEqual(watched.current(), []);
    const ids = () => watched.current().map((s) => s.id);
    const within = { timeoutMs: 5_000 };

    const created = await store.create(owner, body);
    await pollUntil("the created scanner", () => ids().includes(created.id) || undefined, within);
    await store.update(owner, created.id, { ...body, is_active: false });
    await pollUntil("the paused scanner to go", () => ids().length === 0 || undefined, within);
    await store.update(owner, created.id, body);
    await pollUntil("the resumed scanner", () => ids().includes(created.id) || undefined, within);
    await store.remove(owner, created.id);
    await pollUntil("the deleted scanner to go", () => ids().length === 0 || undefined, within);
  } finally {
    stop.abort();
  }
});
