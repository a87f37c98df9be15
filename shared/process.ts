/** Process-level plumbing for `main.ts` files: config errors, start-up and shutdown signals. */
import { retryWithBackoff } from "./backoff.ts";
import { type Config, ConfigError } from "./config.ts";
import { errorMessage } from "./errors.ts";
import { guardDriverFaults } from "./driver_fault_guard.ts";
import { dispose } from "@logtape/logtape";
import { type Logger, setupLogging } from "./logging.ts";

/** Runs `parse`; on ConfigError prints its message to stderr and exits with code 78 (EX_CONFIG). */
export function exitOnConfigError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(78);
  }
}

/** A repeat of the first signal within this time is the same Ctrl-C delivered twice. */
const SAME_PRESS_MS = 1000;

/**
 * An AbortSignal that fires on the first SIGINT or SIGTERM; the same signal again, a second or
 * more later, exits at once (a person pressing Ctrl-C twice). One Ctrl-C can arrive twice, from
 * the terminal and forwarded by `deno task`, and the supervisor's SIGTERM follows it: neither may
 * cut a clean stop short, or a service's last lines are lost.
 */
export function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  let first: { name: Deno.Signal; at: number } | undefined;
  const on = (name: Deno.Signal) => () => {
    if (first?.name === name && performance.now() - first.at > SAME_PRESS_MS) Deno.exit(130);
    first ??= { name, at: performance.now() };
    controller.abort(new Error("shutdown requested"));
  };
  Deno.addSignalListener("SIGINT", on("SIGINT"));
  Deno.addSignalListener("SIGTERM", on("SIGTERM"));
  return controller.signal;
}

/** Options of {@linkcode bootService}. */
export interface BootOptions {
  /** Logger category and `service` field. */
  service: string;
  config: Pick<Config, "LOG_LEVEL" | "LOG_FORMAT">;
  /** Instance id; default `<hostname>-<pid>`. */
  instance?: string;
}

/**
 * What every service's `main.ts` does first, after parsing its config: logging, the postgres.js
 * fault guard, and the shutdown signal.
 */
export async function bootService(
  options: BootOptions,
): Promise<{ log: Logger; signal: AbortSignal }> {
  const log = await setupLogging({
    service: options.service,
    level: options.config.LOG_LEVEL,
    format: options.config.LOG_FORMAT,
    ...(options.instance ? { instance: options.instance } : {}),
  });
  guardDriverFaults(log);
  return { log, signal: shutdownSignal() };
}

/**
 * Retries `check` (e.g. a ping) with capped backoff (500 ms … 10 s) until it succeeds, logging one
 * warning per failed attempt; rejects only when `signal` aborts. A service started before its
 * dependencies waits for them instead of exiting into a restart loop.
 */
export function waitForService(
  what: string,
  check: () => Promise<unknown>,
  options: { signal: AbortSignal; log: Logger },
): Promise<unknown> {
  return retryWithBackoff(check, {
    signal: options.signal,
    baseMs: 500,
    maxMs: 10_000,
    onRetry: (error, attempt, delayMs) =>
      options.log.warn("Waiting for {what} (attempt {attempt}, next in {delayMs} ms): {error}", {
        what,
        attempt,
        delayMs,
        error: errorMessage(error),
      }),
  });
}

/**
 * The last line of a service's `main.ts`: flushes the log and ends the process with
 * `Deno.exitCode`. A service whose work stopped on a fatal error must not linger: its metrics
 * server would keep the process alive, answering /healthz while nothing runs, and no supervisor
 * (`deno task start`, compose's `restart:`) would restart it.
 */
export async function exitProcess(): Promise<never> {
  await dispose();
  Deno.exit(Deno.exitCode);
}
