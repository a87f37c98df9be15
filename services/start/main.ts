/**
 * `deno task start`: brings the local stack up (Kafka, migrations), runs every service as its own
 * process with one combined console, creates the demo on first run, and stops cleanly on Ctrl-C.
 */
import { parseConfig, splitList } from "../../shared/config.ts";
import { errorMessage } from "../../shared/errors.ts";
import { setupLogging } from "../../shared/logging.ts";
import { exitOnConfigError, shutdownSignal } from "../../shared/process.ts";
import { ensureDemo, waitForHttp } from "./demo.ts";
import { type ServiceSpec, supervise } from "./supervisor.ts";
import { serviceTaskArgs } from "../../shared/service_tasks.ts";

const root = new URL("../../", import.meta.url).pathname;
const env = Deno.env.toObject();
// A demo should show signals within a minute; the seed's 60 s pace stays the service default.
env.SIGNAL_INTERVAL_SECONDS ??= "5";
if (!env.LOG_FORMAT && Deno.stdout.isTerminal()) env.LOG_FORMAT = "pretty";
const config = exitOnConfigError(() => parseConfig(env));
const log = await setupLogging({
  service: "start",
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
});
const signal = shutdownSignal();

// The stack's own lines (what is up, what is down and where it looked) go straight to the console.
const stack = await new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", `${root}stack/main.ts`, "up"],
  env,
  stdin: "null",
  stdout: "inherit",
  stderr: "inherit",
}).spawn().status;
if (!stack.success) {
  // console, not the logger: Deno.exit would drop a log line still being written.
  console.error("start: the local stack is not ready (see the line above); nothing was started");
  Deno.exit(1);
}

// As `deno task <name>` runs it (shared/service_tasks.ts), V8 flags included.
const run = (name: string): ServiceSpec => ({ name, args: serviceTaskArgs(name), env });
const services = [
  run("api"),
  run("signal-generator"),
  run("dispatcher"),
  run("worker"),
  run("scheduler"),
  run("paper-ledger"),
];
const running = supervise(services, { log, signal, color: Deno.stdout.isTerminal() });

if (config.TICKWIRE_DEMO) {
  const baseUrl = `http://127.0.0.1:${config.API_PORT}`;
  try {
    await waitForHttp(`${baseUrl}/healthz`, 60_000, signal);
    const demo = await ensureDemo({
      baseUrl,
      stateFile: `${root}.cache/demo.json`,
      tickers: splitList(config.SIGNAL_TICKERS),
    });
    log.info("Demo ready: user {email}, pipeline {pipelineId}", {
      email: demo.email,
      pipelineId: demo.pipelineId,
      created: demo.created,
    });
    // For the person at the console; the token stays out of the logs.
    console.log([
      "",
      `Tickwire is up. Demo user ${demo.email}${demo.created ? " (created now)" : ""}.`,
      `Signals for ${config.SIGNAL_TICKERS} trigger pipeline ${demo.pipelineId}; watch its runs:`,
      `  curl -s -H 'Authorization: Bearer ${demo.token}' \\`,
      `    ${baseUrl}/api/v1/pipelines/${demo.pipelineId}/executions`,
      `API docs: ${baseUrl}/docs   Ctrl-C stops everything; \`deno task stack down\` stops Kafka.`,
      "",
    ].join("\n"));
  } catch (error) {
    if (!signal.aborted) log.error("Demo setup failed: {error}", { error: errorMessage(error) });
  }
}

await running;
log.info("All services stopped");
