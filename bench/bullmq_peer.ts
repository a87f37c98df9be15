/**
 * The BullMQ side of the worker comparison. BullMQ is installed with npm from the committed
 * `bench/peer/package.json` into `.cache/bench-peer` (Deno's npm resolver cannot install it
 * here: an optional platform package is missing from the registry mirror) and runs under Node,
 * its own runtime, one process per run.
 */
const root = new URL("../", import.meta.url).pathname;
const peerDir = `${root}.cache/bench-peer`;

/** Installs the pinned peer (once; npm is quick when it is already there). */
export async function installBullmq(): Promise<string> {
  await Deno.mkdir(peerDir, { recursive: true });
  for (const file of ["package.json", "bullmq_run.mjs"]) {
    await Deno.copyFile(`${root}bench/peer/${file}`, `${peerDir}/${file}`);
  }
  const npm = await new Deno.Command("npm", {
    args: ["install", "--prefix", peerDir, "--no-audit", "--no-fund", "--loglevel=error"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!npm.success) {
    throw new Error(
      `Cannot install the BullMQ peer (npm exit ${npm.code}): ${
        new TextDecoder().decode(npm.stderr).trim()
      }`,
    );
  }
  const pkg = JSON.parse(await Deno.readTextFile(`${peerDir}/node_modules/bullmq/package.json`));
  return String(pkg.version);
}

/** One run: `jobs` no-op jobs through a Worker of `concurrency`; returns jobs/s. */
export async function runBullmq(o: {
  redisUrl: string;
  prefix: string;
  queue: string;
  jobs: number;
  concurrency: number;
}): Promise<number> {
  const out = await new Deno.Command("node", {
    args: [
      `${peerDir}/bullmq_run.mjs`,
      o.redisUrl,
      o.prefix,
      o.queue,
      String(o.jobs),
      String(o.concurrency),
    ],
    cwd: peerDir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(
      `BullMQ run failed (exit ${out.code}): ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
  return JSON.parse(text.split("\n").at(-1)!).jobs_per_s;
}
