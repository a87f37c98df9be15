import assert from "node:assert/strict";
import { createTestRedis } from "../../tests/fixtures/redis.ts";
import { ensureGroup, readNew } from "./job_stream.ts";

Deno.test("job stream: acks riding on a blocking read are answered while the read still blocks", async () => {
  await using t = await createTestRedis();
  const { redis, names } = t;
  await ensureGroup(redis, names);
  await redis.xadd(names.jobsStream, "*", "execution_id", "e1");
  const [first] = await readNew(redis, names, "c1", 1, 100);
  assert.equal((await redis.xpending(names.jobsStream, names.workersGroup))[0], 1);

  const reader = redis.duplicate();
  try {
    // The stream is empty, so the read blocks until something arrives. The ack's answer adds an
    // entry: heard while the read blocks, the read returns that entry; heard only when the read
    // returns, the read would wait out its 5 s and return nothing.
    let added: Promise<unknown> = Promise.resolve();
    const entries = await readNew(reader, names, "c1", 1, 5000, [first!.id], (error) => {
      assert.equal(error, null);
      added = redis.xadd(names.jobsStream, "*", "execution_id", "e2");
    });
    await added;
    assert.deepEqual(entries.map((e) => e.fields), [["execution_id", "e2"]]);
    assert.equal((await redis.xpending(names.jobsStream, names.workersGroup))[0], 1, "e1 acked");
  } finally {
    reader.disconnect();
  }
});
