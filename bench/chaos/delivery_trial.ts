/**
 * The shape of every delivery trial: a private stack, services started, signals published in two
 * halves with the fault between them, then a wait until every signal has run once. Lost: signals
 * with no succeeded execution; doubled: executions beyond one per signal; stuck: executions still
 * queued or running at the end; recovery: from the end of the fault until all signals ran.
 */
import type { ServiceProcess } from "../../tests/fixtures/processes.ts";
import { chaosLogDir, type ChaosStack, createChaosStack } from "./chaos_stack.ts";
import { type TrialResult, trialResult } from "./trial_result.ts";

/** Options of {@linkcode deliveryTrial}. */
export interface DeliveryTrial {
  trial: string;
  brokers: string;
  signals: number;
  steps?: unknown[];
  /** Starts the services; returns them by role. */
  setup(stack: ChaosStack): Record<string, ServiceProcess[]>;
  /** The fault, run between the two halves; returns its description. */
  fault(stack: ChaosStack, services: Record<string, ServiceProcess[]>): Promise<string>;
  /** Longest wait for recovery after the fault; default 90 s. */
  recoverTimeoutMs?: number;
  /** Extra numbers for the notes (e.g. webhook redeliveries). */
  notes?(stack: ChaosStack): Promise<string>;
}

/** Runs the trial and returns its counts. */
export async function deliveryTrial(t: DeliveryTrial): Promise<TrialResult> {
  const logDir = chaosLogDir(t.trial);
  await using stack = await createChaosStack(t.brokers, {
    logDir,
    ...(t.steps ? { steps: t.steps } : {}),
  });
  const services = t.setup(stack);
  await stack.warmUp();
  const prefix = `${t.trial}-`;
  const ids = Array.from({ length: t.signals }, (_, i) => `${prefix}${i}`);
  const half = Math.floor(ids.length / 2);
  await stack.publish(ids.slice(0, half));
  const fault = await t.fault(stack, services);
  const faultEnded = performance.now();
  await stack.publish(ids.slice(half));
  const deadline = faultEnded + (t.recoverTimeoutMs ?? 90_000);
  let recoverSeconds: number | null = null;
  let succeeded = 0;
  while (performance.now() < deadline) {
    succeeded = await stack.succeeded(prefix);
    const { unfinished } = await stack.count(prefix);
    if (succeeded >= ids.length && unfinished === 0) {
      recoverSeconds = (performance.now() - faultEnded) / 1000;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // Late duplicates would show up after completion: look once more a little later.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const { bySignal, unfinished } = await stack.count(prefix);
  succeeded = await stack.succeeded(prefix);
  const doubled = [...bySignal.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const notes = t.notes ? await t.notes(stack) : undefined;
  if (succeeded < ids.length) {
    const diagnosis = await stack.diagnose(ids).catch((error) => ({ error: String(error) }));
    await Deno.mkdir(logDir, { recursive: true });
    await Deno.writeTextFile(`${logDir}/diagnosis.json`, JSON.stringify(diagnosis, null, 2));
  }
  return trialResult({
    trial: t.trial,
    fault,
    expected: ids.length,
    lost: ids.length - succeeded,
    doubled,
    stuck: unfinished,
    http5xx: 0,
    recoverSeconds,
    ...(notes ? { notes } : {}),
  });
}

/** Resolves once `count()` says `n` signals have executions (the stream is flowing). */
export async function executionsAtLeast(stack: ChaosStack, n: number, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if ((await stack.count("")).bySignal.size >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${n} executions`);
}
