import assert from "node:assert/strict";
import { workerConnections } from "./connections.ts";

Deno.test("worker connections: one for the rounds, the rest a pool, never more than the size", () => {
  assert.deepEqual(workerConnections(10, 50), { pool: 9, ownRounds: true });
  assert.deepEqual(workerConnections(10, 4), { pool: 6, ownRounds: true });
  assert.deepEqual(workerConnections(2, 50), { pool: 1, ownRounds: true });
  assert.deepEqual(workerConnections(1, 50), { pool: 1, ownRounds: false });
});
