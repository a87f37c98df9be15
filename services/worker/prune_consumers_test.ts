import assert from "node:assert/strict";
import { createTestRedis } from "../../tests/fixtures/redis.ts";
import { pruneIdleConsumers } from "./prune_consumers.ts";

Deno.test("pruneIdleConsumers: only idle consumers with nothing pending, never the caller", async () => {
  await using t = await createTestRedis();
  const { jobsStream, workersGroup } = t.names;
  await t.redis.xgroup("CREATE", jobsStream, workersGroup, "0", "MKSTREAM");
  await t.redis.xadd(jobsStream, "*", "execution_id", "x");
  const read = (consumer: string) =>
    t.redis.xreadgroup("GROUP", workersGroup, consumer, "COUNT", 1, "STREAMS", jobsStream, ">");
  await read("holding"); // dies holding the entry: kept until it is reclaimed
  for (const name of ["gone", "self", "alive"]) {
    await t.redis.xgroup("CREATECONSUMER", jobsStream, workersGroup, name);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  // A live consumer that just got an entry (Redis before 7.2 counts idle time from the last read
  // that delivered something) and acknowledged it.
  const id = await t.redis.xadd(jobsStream, "*", "execution_id", "y");
  await read("alive");
  await t.redis.xack(jobsStream, workersGroup, id!);
  const pruned = await pruneIdleConsumers(t.redis, t.names, { idleMs: 250, keep: "self" });
  assert.deepEqual(pruned, ["gone"]);
  const left = (await t.redis.xinfo("CONSUMERS", jobsStream, workersGroup)) as unknown[][];
  assert.deepEqual(left.map((c) => String(c[1])).sort(), ["alive", "holding", "self"]);
  assert.deepEqual(await pruneIdleConsumers(t.redis, t.names, { idleMs: 250, keep: "self" }), []);
});
