import assert from "node:assert/strict";
import {
  brokerAddress,
  kafkaLayout,
  log4jProperties,
  pomKafkaVersion,
  serverProperties,
} from "./kafka_config.ts";
import { formatStorage, runningBrokerPid, stopBroker } from "./kafka_process.ts";

/**
 * A long-running shell whose command line carries `args` (so it can pose as a broker), returned
 * once that command line shows: right after the spawn the child may not have exec'd yet, and
 * /proc then shows the parent's (seen in CI: the broker check read Deno's and said "not ours").
 */
async function spawnShell(...args: string[]): Promise<Deno.ChildProcess> {
  const child = new Deno.Command("sh", {
    args: ["-c", 'trap "exit 0" TERM; while :; do sleep 0.1; done', ...args],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const shown = () => Deno.readTextFile(`/proc/${child.pid}/cmdline`).catch(() => "");
  for (let i = 0; i < 200 && !(await shown()).includes(args[0]!); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return child;
}

async function tempLayout() {
  const cacheDir = await Deno.makeTempDir({ prefix: "tw-stack-" });
  const layout = kafkaLayout(cacheDir, "0.0.0", 1);
  await Deno.mkdir(layout.home, { recursive: true });
  return { layout, [Symbol.asyncDispose]: () => Deno.remove(cacheDir, { recursive: true }) };
}

Deno.test("stopBroker leaves alone a process named by the pid file that is not our broker", async () => {
  await using t = await tempLayout();
  const other = await spawnShell("not-kafka");
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
  const broker = await spawnShell("kafka.Kafka", t.layout.serverProperties);
  await Deno.writeTextFile(t.layout.pidFile, `${broker.pid}\n`);
  assert.equal(await runningBrokerPid(t.layout), broker.pid);
  const stopping = stopBroker(t.layout, 5000);
  const status = await broker.status;
  assert.equal(await stopping, broker.pid);
  // Exit 0 from the trap, or death by SIGTERM if it came before the trap was set: not SIGKILL.
  assert.notEqual(status.signal, "SIGKILL", "the process needed SIGKILL");
  assert.equal(await Deno.stat(t.layout.pidFile).then(() => true, () => false), false);
});

Deno.test("formatStorage draws a new cluster id when the stored one starts with '-'", async () => {
  // The real StorageTool, from the jars `deno task stack up` resolved into .cache.
  const version = pomKafkaVersion(
    await Deno.readTextFile(new URL("./kafka/pom.xml", import.meta.url)),
  );
  const jars = new URL(`../.cache/kafka/${version}/libs`, import.meta.url).pathname;
  const cacheDir = await Deno.makeTempDir({ prefix: "tw-stack-" });
  try {
    const layout = kafkaLayout(cacheDir, version, 1);
    await Deno.mkdir(`${cacheDir}/kafka/${version}`, { recursive: true });
    await Deno.symlink(jars, layout.libs);
    await Deno.mkdir(layout.dataDir, { recursive: true });
    await Deno.writeTextFile(
      layout.serverProperties,
      serverProperties(brokerAddress("127.0.0.1:1"), layout.dataDir),
    );
    await Deno.writeTextFile(layout.log4jConfig, log4jProperties(layout.logFile));
    // An id an earlier version drew: kafka-storage read "-kU3…" as an option and refused it.
    await Deno.writeTextFile(layout.clusterIdFile, "-kU3OEVBNTcwNTJENDM2Qg\n");

    assert.equal(await formatStorage(layout), true);
    const id = (await Deno.readTextFile(layout.clusterIdFile)).trim();
    assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    const meta = await Deno.readTextFile(`${layout.dataDir}/meta.properties`);
    assert.ok(meta.includes(`cluster.id=${id}`), meta);
    assert.equal(await formatStorage(layout), false, "formatted storage is formatted again");
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});
