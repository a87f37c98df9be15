import assert from "node:assert/strict";
import { enqueueJobs } from "./enqueue.ts";
import { parseJobFields } from "../schemas/job.ts";
import { createTestRedis } from "../../tests/fixtures/redis.ts";

Deno.test("enqueue: 4 500 jobs in script calls of 2 000, one entry each, in order", async () => {
  await using r = await createTestRedis();
  const executions = Array.from({ length: 4500 }, () => ({
    id: crypto.randomUUID(),
    pipeline_id: crypto.randomUUID(),
  }));
  const ids = await enqueueJobs(r.redis, r.names, executions);
  assert.equal(ids.length, 4500);
  const entries = await r.redis.xrange(r.names.jobsStream, "-", "+");
  assert.deepEqual(entries.map(([id]) => id), ids);
  const jobs = entries.map(([, fields]) => parseJobFields(fields));
  assert.deepEqual(
    jobs.map((j) => j.ok && [j.job.execution_id, j.job.pipeline_id]),
    executions.map((e) => [e.id, e.pipeline_id]),
  );
  assert.deepEqual(await enqueueJobs(r.redis, r.names, []), []);
});

Deno.test("enqueue: a key that is not a stream is an error naming the jobs", async () => {
  await using r = await createTestRedis();
  await r.redis.set(r.names.jobsStream, "not a stream");
  await assert.rejects(
    enqueueJobs(r.redis, r.names, [{ id: crypto.randomUUID(), pipeline_id: "p" }]),
    /Cannot enqueue 1 jobs: .*WRONGTYPE/,
  );
});
