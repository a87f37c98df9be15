import assert from "node:assert/strict";
import { createTestRedis } from "./fixtures/redis.ts";

Deno.test("redis streams: XADD, XREADGROUP, XACK round trip", async () => {
  await using t = await createTestRedis();
  const { redis, names } = t;
  await redis.xgroup("CREATE", names.jobsStream, names.workersGroup, "0", "MKSTREAM");
  const id = await redis.xadd(names.jobsStream, "*", "execution_id", "e1");
  const read = await redis.xreadgroup(
    "GROUP",
    names.workersGroup,
    "w1",
    "COUNT",
    10,
    "STREAMS",
    names.jobsStream,
    ">",
  ) as [string, [string, string[]][]][];
  assert.equal(read[0]![1][0]![0], id);
  assert.deepEqual(read[0]![1][0]![1], ["execution_id", "e1"]);
  const pending = await redis.xpending(names.jobsStream, names.workersGroup) as [number];
  assert.equal(pending[0], 1);
  assert.equal(await redis.xack(names.jobsStream, names.workersGroup, id!), 1);
  const after = await redis.xpending(names.jobsStream, names.workersGroup) as [number];
  assert.equal(after[0], 0);
});
