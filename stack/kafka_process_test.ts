import assert from "node:assert/strict";
import { kafkaLayout } from "./kafka_config.ts";
import { runningBrokerPid, stopBroker } from "./kafka_process.ts";

/** A long-running shell whose command line carries `args` (so it can pose as a broker). */
function spawnShell(...args: string[]): Deno.ChildProcess {
  return new Deno.Command("sh", {
    args: ["-c", 'trap "exit 0" TERM; while :; do sleep 0.1; done', ...args],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function tempLayout() {
  const cacheDir = await Deno.makeTempDir({ prefix: "tw-stack-" });
  const layout = kafkaLayout(cacheDir, "0.0.0", 1);
  await Deno.mkdir(layout.home, { recursive: true });
  return { layout, [Symbol.asyncDispose]: () => Deno.remove(cacheDir, { recursive: true }) };
}

Deno.test("stopBroker leaves alone a process named by the pid file that is not our broker", async () => {
  await using t = await tempLayout();
  const other = spawnShell("not-kafka");
  try {
    await Deno.writeTextFile(t.layout.pidFile, `${other.pid}\n`);
    assert.equal(await runningBrokerPid(t.layout), null);
    assert.equal(await stopBroker(t.layout, 1000), null);
    const still = await Deno.readTextFile(`/proc/${other.pid}/cmdline`).catch(() => null);
    assert.ok(still?.includes("not-kafka"), "the other process was killed");
  } finally {
    other.kill("SIGKILL");
    await other.status;
  }
});

Deno.test("stopBroker stops the process whose command line names this broker", async () => {
  await using t = await tempLayout();
  const broker = spawnShell("kafka.Kafka", t.layout.serverProperties);
  await Deno.writeTextFile(t.layout.pidFile, `${broker.pid}\n`);
  assert.equal(await runningBrokerPid(t.layout), broker.pid);
  const stopping = stopBroker(t.layout, 5000);
  const status = await broker.status;
  assert.equal(await stopping, broker.pid);
  // Exit 0 from the trap, or death by SIGTERM if it came before the trap was set: not SIGKILL.
  assert.notEqual(status.signal, "SIGKILL", "the process needed SIGKILL");
  assert.equal(await Deno.stat(t.layout.pidFile).then(() => true, () => false), false);
});
