/** The chaos trials: each makes one fault happen to a running private stack and counts. */
import type { ServiceProcess } from "../../tests/fixtures/processes.ts";
import type { ChaosStack } from "./chaos_stack.ts";
import { deliveryTrial, executionsAtLeast } from "./delivery_trial.ts";
import type { TrialResult } from "./trial_result.ts";

const OUTAGE_MS = 15_000;

/** A local webhook target that takes `delayMs` per call, counting calls per execution. */
function slowHook(delayMs: number) {
  const calls = new Map<string, number>();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const id = req.headers.get("x-tickwire-execution") ?? "";
    calls.set(id, (calls.get(id) ?? 0) + 1);
    await req.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return Response.json({ ok: true });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    calls,
    close: () => server.shutdown(),
  };
}

/** Worker SIGKILLed mid-step `kills` times (a replacement started each time). */
export async function workerKillTrial(brokers: string, kills = 3): Promise<TrialResult> {
  const hook = slowHook(300);
  try {
    return await deliveryTrial({
      trial: "worker SIGKILL",
      brokers,
      signals: 60,
      steps: [{ id: "hook", agent: "webhook", params: { url: hook.url, retries: 0 } }],
      setup: (s) => ({
        dispatcher: [s.start("dispatcher")],
        worker: [s.start("worker"), s.start("worker")],
      }),
      async fault(s, services) {
        for (let i = 0; i < kills; i++) {
          await executionsAtLeast(s, 5 + i * 5);
          await untilRunning(s);
          const victim = services.worker!.shift()!;
          victim.child.kill("SIGKILL");
          await victim.stop(1000);
          services.worker!.push(s.start("worker"));
        }
        return `${kills} SIGKILLs of a worker mid-step (2 workers, 300 ms webhook)`;
      },
      notes: () => {
        const repeated = [...hook.calls.values()].filter((n) => n > 1).length;
        return Promise.resolve(
          `${repeated} executions delivered to the webhook more than once (at-least-once, same x-tickwire-execution)`,
        );
      },
    });
  } finally {
    await hook.close();
  }
}

/** One of two dispatchers SIGKILLed during a stream of signals, then restarted. */
export function dispatcherKillTrial(brokers: string): Promise<TrialResult> {
  return deliveryTrial({
    trial: "dispatcher SIGKILL",
    brokers,
    signals: 2000,
    setup: (s) => ({
      dispatcher: [s.start("dispatcher"), s.start("dispatcher")],
      worker: [s.start("worker", { WORKER_CONCURRENCY: "32" })],
    }),
    async fault(s, services) {
      await executionsAtLeast(s, 200);
      const victim = services.dispatcher!.shift()!;
      victim.child.kill("SIGKILL");
      await victim.stop(1000);
      services.dispatcher!.push(s.start("dispatcher"));
      return "SIGKILL of 1 of 2 dispatchers mid-stream (2 000 signals), restarted";
    },
  });
}

/** Postgres or Redis unreachable for 15 s through the suite's proxy. */
export function outageTrial(brokers: string, which: "Postgres" | "Redis"): Promise<TrialResult> {
  return deliveryTrial({
    trial: `${which} outage`,
    brokers,
    signals: 400,
    setup: (s) => ({ dispatcher: [s.start("dispatcher")], worker: [s.start("worker")] }),
    async fault(s: ChaosStack) {
      await executionsAtLeast(s, 50);
      const proxy = which === "Postgres" ? s.postgresProxy : s.redisProxy;
      await proxy.outage(OUTAGE_MS);
      return `${which} connections cut and refused for ${OUTAGE_MS / 1000} s (TCP proxy)`;
    },
    recoverTimeoutMs: 120_000,
  });
}

/** The suite's own broker stopped and started again mid-stream (`stack down` / `stack up`). */
export function kafkaRestartTrial(
  brokers: string,
  restart: () => Promise<void>,
): Promise<TrialResult> {
  return deliveryTrial({
    trial: "Kafka restart",
    brokers,
    signals: 400,
    setup: (s) => ({ dispatcher: [s.start("dispatcher")], worker: [s.start("worker")] }),
    async fault(s: ChaosStack) {
      await executionsAtLeast(s, 50);
      await restart();
      return "the private broker stopped and started again (stack down / up)";
    },
    recoverTimeoutMs: 120_000,
  });
}

/** Poison and oversized messages among good ones: the good ones run, the rest are dead letters. */
export function poisonTrial(brokers: string): Promise<TrialResult> {
  return deliveryTrial({
    trial: "poison and oversized",
    brokers,
    signals: 100,
    setup: (s) => ({ dispatcher: [s.start("dispatcher")], worker: [s.start("worker")] }),
    async fault(s: ChaosStack) {
      const ticker = (fields: Record<string, unknown>) =>
        JSON.stringify({
          tickers: [{ ticker: "CHAOS", signal: "BULLISH", confidence: 80, ...fields }],
        });
      await s.publishRaw([
        ticker({ signal_id: "nul\u0000x" }),
        ticker({ signal_id: "lone\ud800" }),
        ticker({ signal_id: "year0", emitted_at: "0000-01-01T00:00:00Z" }),
        "x".repeat(600_000),
        "{not json",
        JSON.stringify({ tickers: [{ ticker: "CHAOS", signal: "SIDEWAYS", confidence: 80 }] }),
      ]);
      return "NUL, lone surrogate, year-0 and bad signals, 600 KB garbage, malformed JSON";
    },
  });
}

/** Services a trial started, by role. */
export type Services = Record<string, ServiceProcess[]>;

/** Waits (up to 20 s) until some execution is running, so a kill lands mid-step. */
async function untilRunning(s: ChaosStack): Promise<void> {
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline) {
    const rows = await s.db.sql`select 1 from pipeline_executions where status = 'running' limit 1`;
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
