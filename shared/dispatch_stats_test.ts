import assert from "node:assert/strict";
import { DISPATCH_REASONS, DispatchStats, recordDispatchStats } from "./dispatch_stats.ts";
import { dispatchStatsField } from "./redis_codec.ts";
import { createTestRedis } from "../tests/fixtures/redis.ts";

Deno.test("dispatch stats: 12 000 fields in several script calls, each counted once under its own field", async () => {
  await using r = await createTestRedis();
  const stats = new DispatchStats();
  const expected: Record<string, string> = {};
  // 4 000 pipelines, three reasons each (every reason in some pipeline), counts 1 … 7.
  for (let p = 0; p < 4000; p++) {
    const id = crypto.randomUUID();
    for (let k = 0; k < 3; k++) {
      const reason = DISPATCH_REASONS[(p + k) % DISPATCH_REASONS.length]!;
      const by = 1 + (p + k) % 7;
      stats.add(id, reason, by);
      expected[dispatchStatsField(id, reason)] = String(by);
    }
  }
  assert.equal(stats.scriptTexts(5000).length, 3);
  await recordDispatchStats(r.redis, r.names, stats);
  assert.deepEqual(await r.redis.hgetall(r.names.dispatchStats), expected);

  // A second batch adds to the same fields.
  await recordDispatchStats(r.redis, r.names, stats);
  const twice = Object.fromEntries(
    Object.entries(expected).map(([field, by]) => [field, String(2 * Number(by))]),
  );
  assert.deepEqual(await r.redis.hgetall(r.names.dispatchStats), twice);
});

Deno.test("dispatch stats: totals per reason over every pipeline", () => {
  const stats = new DispatchStats();
  stats.add("a", "matched", 3);
  stats.add("a", "skipped_busy", 2);
  stats.add("b", "matched");
  stats.add("b", "claimed");
  stats.add("c", "stale", 4);
  assert.deepEqual(stats.totals(), {
    matched: 4,
    filtered: 0,
    stale: 4,
    skipped_busy: 2,
    claimed: 1,
  });
  assert.equal(stats.size, 5);
});
