import assert from "node:assert/strict";
import { executionChangePayloads, IDS_PER_MESSAGE } from "./announce_changes.ts";

Deno.test("announce: pipeline ids once each, at most IDS_PER_MESSAGE per message", () => {
  const ids = Array.from({ length: 450 }, (_, i) => `p${i % 401}`);
  const payloads = executionChangePayloads(ids);
  assert.deepEqual(payloads.map((p) => p.split(",").length), [IDS_PER_MESSAGE, 200, 1]);
  assert.equal(new Set(payloads.flatMap((p) => p.split(","))).size, 401);
  assert.deepEqual(executionChangePayloads([]), []);
});
