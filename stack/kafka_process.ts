/**
 * The broker's JVM: format its storage once, start it detached with a pid file, find it again
 * by that pid file, and stop it. Only a process whose command line names this broker's
 * server.properties counts as ours, so a stale pid file never kills someone else's process.
 */
import { type KafkaLayout, newClusterId, usableClusterId } from "./kafka_config.ts";

/** Heap bounds of the broker: enough for tests and the demo, small next to 2 cores and CI. */
const JVM_OPTIONS = ["-Xms256m", "-Xmx768m", "-XX:+UseG1GC", "-Djava.awt.headless=true"];

/** Formats `layout.dataDir` for KRaft unless it already holds `meta.properties`. */
export async function formatStorage(layout: KafkaLayout): Promise<boolean> {
  if (await exists(`${layout.dataDir}/meta.properties`)) return false;
  let clusterId = (await readText(layout.clusterIdFile))?.trim();
  // An id an older version drew with a leading "-" was never formatted with: draw a new one.
  if (!usableClusterId(clusterId)) {
    clusterId = newClusterId();
    await Deno.writeTextFile(layout.clusterIdFile, `${clusterId}\n`);
  }
  const format = await new Deno.Command("java", {
    args: [
      ...javaArgs(layout),
      "kafka.tools.StorageTool",
      "format",
      "--ignore-formatted",
      "--cluster-id",
      clusterId,
      "--config",
      layout.serverProperties,
    ],
    stdin: "null",
  }).output();
  if (!format.success) {
    const output = new TextDecoder().decode(new Uint8Array([...format.stdout, ...format.stderr]));
    throw new Error(`Cannot format Kafka storage in "${layout.dataDir}":\n${output.trim()}`);
  }
  return true;
}

/** Starts `kafka.Kafka` in its own session (it outlives this process); writes and returns its pid. */
export async function startBroker(layout: KafkaLayout): Promise<number> {
  const child = new Deno.Command("sh", {
    // exec: the pid we record is the JVM's own; its stdout and stderr go to consoleFile.
    args: [
      "-c",
      'exec "$@" >>"$CONSOLE_FILE" 2>&1',
      "sh",
      "java",
      ...JVM_OPTIONS,
      ...javaArgs(layout),
      "kafka.Kafka",
      layout.serverProperties,
    ],
    env: { CONSOLE_FILE: layout.consoleFile },
    cwd: layout.home,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  child.unref();
  await Deno.writeTextFile(layout.pidFile, `${child.pid}\n`);
  return child.pid;
}

/** The pid of this layout's broker if its pid file names a live process that is that broker. */
export async function runningBrokerPid(layout: KafkaLayout): Promise<number | null> {
  const pid = Number((await readText(layout.pidFile))?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return await isBrokerProcess(pid, layout) ? pid : null;
}

/**
 * Stops this layout's broker: SIGTERM (Kafka shuts down cleanly), then SIGKILL after
 * `graceMs` (default 30 s). Returns the pid it stopped, or null when none of ours was running.
 */
export async function stopBroker(layout: KafkaLayout, graceMs = 30_000): Promise<number | null> {
  const pid = await runningBrokerPid(layout);
  if (pid === null) {
    await Deno.remove(layout.pidFile).catch(() => {});
    return null;
  }
  signalProcess(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (await isBrokerProcess(pid, layout)) {
    if (Date.now() > deadline) {
      signalProcess(pid, "SIGKILL");
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await Deno.remove(layout.pidFile).catch(() => {});
  return pid;
}

/** The last `lines` lines of the broker's console and log files, for error messages. */
export async function brokerLogTail(layout: KafkaLayout, lines = 15): Promise<string> {
  const parts: string[] = [];
  for (const file of [layout.consoleFile, layout.logFile]) {
    const text = (await readText(file))?.trimEnd();
    if (text) parts.push(`--- ${file}\n${text.split("\n").slice(-lines).join("\n")}`);
  }
  return parts.join("\n");
}

async function isBrokerProcess(pid: number, layout: KafkaLayout): Promise<boolean> {
  const cmdline = await readText(`/proc/${pid}/cmdline`) ?? await psCommand(pid);
  if (cmdline === null) return false;
  return cmdline.includes("kafka.Kafka") && cmdline.includes(layout.serverProperties);
}

/** Fallback for systems without /proc (macOS). */
async function psCommand(pid: number): Promise<string | null> {
  if (await exists("/proc/self")) return null;
  const ps = await new Deno.Command("ps", { args: ["-o", "args=", "-p", String(pid)] }).output()
    .catch(() => null);
  return ps?.success ? new TextDecoder().decode(ps.stdout) : null;
}

/** Sends `signal`; a process that exited in the meantime is what we wanted anyway. */
function signalProcess(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(pid, signal);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

function javaArgs(layout: KafkaLayout): string[] {
  return [`-Dlog4j2.configurationFile=${layout.log4jConfig}`, "-cp", `${layout.libs}/*`];
}

/** A file's text, or null if it cannot be read (missing file, process gone). */
function readText(path: string): Promise<string | null> {
  return Deno.readTextFile(path).catch(() => null);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
