/**
 * Runs each service as its own process with a combined, prefixed console, restarts one that
 * exits unexpectedly (capped backoff, so never a tight crash loop), and stops all on abort.
 */
import { exponentialDelay } from "../../shared/backoff.ts";
import { sleep } from "../../shared/sleep.ts";
import { prefixLines } from "./line_prefixer.ts";
import type { Logger } from "../../shared/logging.ts";

/** One process to supervise. */
export interface ServiceSpec {
  name: string;
  /** Arguments after `deno`, e.g. ["run", "-A", "services/api/main.ts"]. */
  args: string[];
  env?: Record<string, string>;
}

/** Options of {@linkcode supervise}. */
export interface SuperviseOptions {
  log: Logger;
  signal: AbortSignal;
  /** Time children get to stop after SIGTERM before SIGKILL; default 35 000 ms. */
  stopTimeoutMs?: number;
  /** Longest wait before a restart; default 30 000 ms. */
  maxRestartDelayMs?: number;
  /** Colour prefixes (ANSI); default true. */
  color?: boolean;
}

const COLORS = [36, 33, 35, 32, 34, 91, 96, 93];

/** Starts every service and resolves once all have stopped after `signal` aborted. */
export async function supervise(specs: ServiceSpec[], options: SuperviseOptions): Promise<void> {
  const width = Math.max(...specs.map((s) => s.name.length));
  const out = Deno.stdout.writable.getWriter();
  await Promise.all(specs.map((spec, i) => {
    const label = spec.name.padEnd(width);
    const prefix = options.color ?? true
      ? `\x1b[${COLORS[i % COLORS.length]}m${label} |\x1b[0m `
      : `${label} | `;
    return keepRunning(spec, prefix, out, options);
  }));
}

async function keepRunning(
  spec: ServiceSpec,
  prefix: string,
  out: WritableStreamDefaultWriter<Uint8Array>,
  options: SuperviseOptions,
): Promise<void> {
  let failures = 0;
  while (!options.signal.aborted) {
    const started = Date.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: spec.args,
      env: spec.env ?? {},
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stop = () => stopChild(child, options.stopTimeoutMs ?? 35_000);
    options.signal.addEventListener("abort", stop, { once: true });
    const [status] = await Promise.all([
      child.status,
      prefixLines(child.stdout, prefix, out),
      prefixLines(child.stderr, prefix, out),
    ]);
    options.signal.removeEventListener("abort", stop);
    if (options.signal.aborted) return;
    failures = Date.now() - started > 60_000 ? 1 : failures + 1;
    const delay = restartDelay(failures, options.maxRestartDelayMs ?? 30_000);
    options.log.error("{service} exited with code {code}; restarting in {delay} ms", {
      service: spec.name,
      code: status.code,
      delay,
    });
    await sleep(delay, options.signal);
  }
}

/** Exponential restart delay: 1 s, 2 s, 4 s … capped at `max`. */
export function restartDelay(failures: number, max: number): number {
  return exponentialDelay(failures, 1000, max);
}

function stopChild(child: Deno.ChildProcess, timeoutMs: number): void {
  try {
    child.kill("SIGTERM");
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* exited meanwhile */ }
  }, timeoutMs);
  child.status.finally(() => clearTimeout(timer));
}
