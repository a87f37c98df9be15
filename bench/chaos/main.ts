/**
 * `deno task chaos`: bounded fault trials against a private stack (its own Kafka broker at
 * CHAOS_KAFKA_BOOTSTRAP_SERVERS, default 127.0.0.1:19292, started and stopped by stack/ code; a
 * database, Redis prefix, topics and ports per trial; Postgres and Redis reached through proxies
 * the suite cuts), written to bench/results/chaos.json and chaos.md. Every service's output is
 * kept in bench/results/chaos-logs/<trial>/ (replaced on each run). `--only <name,…>` runs some
 * trials (names as in the table, lower case, e.g. "api fuzz"). Exit 1 when a trial fails.
 */
import { apiFuzzTrial } from "./api_fuzz.ts";
import { ledgerTrial } from "./ledger_trial.ts";
import {
  dispatcherKillTrial,
  kafkaRestartTrial,
  outageTrial,
  poisonTrial,
  workerKillTrial,
} from "./trials.ts";
import { chaosTable, type TrialResult } from "./trial_result.ts";

const BROKERS = Deno.env.get("CHAOS_KAFKA_BOOTSTRAP_SERVERS") ?? "127.0.0.1:19292";
const root = new URL("../../", import.meta.url).pathname;
const only = (() => {
  const i = Deno.args.indexOf("--only");
  return i < 0 ? null : Deno.args[i + 1]!.split(",").map((s) => s.trim().toLowerCase());
})();

/** Runs `deno task stack <command>` for the private broker. */
async function stack(command: "up" | "down"): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}stack/main.ts`, command, "--quiet"],
    env: {
      KAFKA_BOOTSTRAP_SERVERS: BROKERS,
      KAFKA_SIGNAL_TOPIC: "tw-chaos-signals",
      KAFKA_DEAD_LETTER_TOPIC: "tw-chaos-dlq",
      KAFKA_BAR_TOPIC: "tw-chaos-bars",
    },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`stack ${command}: ${new TextDecoder().decode(stderr)}`);
}

const trials: [string, () => Promise<TrialResult>][] = [
  ["api fuzz", () => apiFuzzTrial(BROKERS)],
  ["poison and oversized", () => poisonTrial(BROKERS)],
  ["worker sigkill", () => workerKillTrial(BROKERS, 3)],
  ["dispatcher sigkill", () => dispatcherKillTrial(BROKERS)],
  ["paper ledger sigkill", () => ledgerTrial(BROKERS, "SIGKILL")],
  ["postgres outage", () => outageTrial(BROKERS, "Postgres")],
  ["redis outage", () => outageTrial(BROKERS, "Redis")],
  ["paper ledger postgres outage", () => ledgerTrial(BROKERS, "Postgres outage")],
  ["kafka restart", () =>
    kafkaRestartTrial(BROKERS, async () => {
      await stack("down");
      await stack("up");
    })],
];

const started = performance.now();
await Deno.remove(`${root}bench/results/chaos-logs`, { recursive: true }).catch(() => {});
console.log(`chaos: starting the private broker at ${BROKERS}`);
await stack("up");
const results: TrialResult[] = [];
try {
  for (const [name, run] of trials) {
    if (only && !only.includes(name)) continue;
    const t0 = performance.now();
    console.log(`chaos: ${name}…`);
    try {
      results.push(await run());
    } catch (error) {
      results.push({
        trial: name,
        fault: "(the trial itself failed)",
        expected: 0,
        lost: 0,
        doubled: 0,
        stuck: 0,
        http5xx: 0,
        recoverSeconds: null,
        pass: false,
        notes: (error as Error).message,
      });
    }
    const r = results.at(-1)!;
    console.log(
      `chaos: ${name}: ${r.pass ? "pass" : "FAIL"} (expected ${r.expected}, lost ${r.lost}, ` +
        `doubled ${r.doubled}, stuck ${r.stuck}, 5xx ${r.http5xx}, recover ${
          r.recoverSeconds?.toFixed(1) ?? "never"
        } s) in ${((performance.now() - t0) / 1000).toFixed(0)} s${r.notes ? `; ${r.notes}` : ""}`,
    );
  }
} finally {
  await stack("down").catch((error) => console.error(error.message));
}
const seconds = (performance.now() - started) / 1000;
const report = {
  at: new Date().toISOString(),
  command: `deno task chaos${only ? ` --only ${only.join(",")}` : ""}`,
  seconds: Math.round(seconds),
  results,
};
await Deno.mkdir(`${root}bench/results`, { recursive: true });
await Deno.writeTextFile(`${root}bench/results/chaos.json`, JSON.stringify(report, null, 2) + "\n");
const notes = results.filter((r) => r.notes).map((r) => `- ${r.trial}: ${r.notes}`);
await Deno.writeTextFile(
  `${root}bench/results/chaos.md`,
  `# Chaos run ${report.at} (${report.seconds} s, \`${report.command}\`)\n\n${
    chaosTable(results)
  }\n` +
    (notes.length > 0 ? `\n${notes.join("\n")}\n` : ""),
);
console.log(chaosTable(results));
Deno.exit(results.every((r) => r.pass) ? 0 : 1);
