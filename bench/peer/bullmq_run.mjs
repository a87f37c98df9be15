// One BullMQ run of the bench's worker comparison, under Node from .cache/bench-peer (where
// `npm install` put bullmq and ioredis). Adds JOBS no-op jobs, then times a Worker of
// CONCURRENCY until all completed. Prints one JSON line: {"jobs":…,"seconds":…,"jobs_per_s":…}.
// Usage: node bullmq_run.mjs <redis-url> <key-prefix> <queue> <jobs> <concurrency>
import { Queue, Worker } from "bullmq";

const [url, prefix, name, jobsArg, concurrencyArg] = process.argv.slice(2);
const jobs = Number(jobsArg);
const concurrency = Number(concurrencyArg);
const { hostname, port } = new URL(url);
const connection = { host: hostname, port: Number(port || 6379), maxRetriesPerRequest: null };

const queue = new Queue(name, { connection, prefix });
for (let i = 0; i < jobs; i += 1000) {
  const chunk = Array.from({ length: Math.min(1000, jobs - i) }, (_, j) => ({
    name: "run",
    data: { execution_id: `${i + j}`, pipeline_id: "bench" },
  }));
  await queue.addBulk(chunk);
}

let completed = 0;
let finish;
const finished = new Promise((resolve) => finish = resolve);
const start = performance.now();
const worker = new Worker(name, async () => {}, { connection, prefix, concurrency });
worker.on("completed", () => {
  if (++completed === jobs) finish(performance.now());
});
worker.on("failed", (_job, error) => console.error(`BullMQ job failed: ${error.message}`));
const end = await finished;
await worker.close();
await queue.obliterate({ force: true });
await queue.close();
const seconds = (end - start) / 1000;
console.log(JSON.stringify({ jobs, seconds, jobs_per_s: Math.round(jobs / seconds) }));
