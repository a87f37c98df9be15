/**
 * One run, from a started execution to its recorded outcome: prepare the steps and the signal,
 * run the engine, record the outcome (retrying the write until it lands, so a run's side effects
 * are never repeated because Postgres blinked), then retry-schedule, dead-letter and XACK. Every
 * write goes through the worker's group commits: runs finishing together share each round trip.
 */
import type { Logger } from "@logtape/logtape";
import type { Agent } from "../../shared/agents/agent.ts";
import { type Sql } from "../../shared/db.ts";
import { errorMessage, issuesText } from "../../shared/errors.ts";
import type { EgressPolicy } from "../../shared/egress/egress_policy.ts";
import { tickerSignalSchema } from "../../shared/schemas/signal.ts";
import {
  type AgentParamsByName,
  pipelineConfigSchemaFor,
  type Step,
} from "../../shared/schemas/steps.ts";
import { backoffDelay, exponentialDelay } from "../../shared/backoff.ts";
import { planCompletion } from "./completion.ts";
import type { BatchedWrites } from "./batched_writes.ts";
import type { WorkerMetrics } from "./metrics.ts";
import { type RunOutcome, runPipeline } from "./run_pipeline.ts";
import { sleep } from "../../shared/sleep.ts";
import type { DeliveredExecution } from "./start_executions.ts";
import { jobFields } from "../../shared/schemas/job.ts";
import { postgresLedger } from "../../shared/ledger/ledger.ts";
import { pipelineAccountName } from "../../shared/ledger/accounts.ts";
import { postgresMarket } from "../../shared/market/market_data.ts";

/** What {@linkcode executeRun} needs. */
export interface ExecuteRunOptions {
  sql: Sql;
  log: Logger;
  metrics: WorkerMetrics;
  // deno-lint-ignore no-explicit-any
  registry: ReadonlyMap<string, Agent<any>>;
  /** Addresses the agents may call. */
  egress: EgressPolicy;
  writes: BatchedWrites;
  entryId: string;
  execution: DeliveredExecution;
  workerId: string;
  /** Interrupts the run: nothing is recorded and the entry stays pending. */
  stop: AbortSignal;
  /** Called once when the engine is done, before the outcome is written (or at once if stopped). */
  ran(): void;
  /** Called once the outcome is recorded, before the entry is acknowledged (never if stopped). */
  recorded(): void;
  options: { stepTimeoutSeconds: number; retryBaseSeconds: number; retryMaxSeconds: number };
}

/** Runs a started execution and records what happened. */
export async function executeRun(r: ExecuteRunOptions): Promise<void> {
  const e = r.execution;
  // Stopped before it began (hard stop while its start was in flight): its entry stays pending.
  if (r.stop.aborted) return r.ran();
  const log = r.log.with({ execution_id: e.id, pipeline_id: e.pipeline_id, attempt: e.attempts });
  r.metrics.started.inc();
  const started = performance.now();
  const prepared = prepare(e, r.registry);
  const outcome: RunOutcome = "error" in prepared
    ? {
      status: "failed",
      steps: [],
      result: { outputs: {} },
      error: prepared.error,
      retryable: false,
    }
    : await runPipeline({
      steps: prepared.steps,
      registry: r.registry,
      stop: r.stop,
      defaultTimeoutSeconds: r.options.stepTimeoutSeconds,
      context: {
        signal: prepared.signal,
        pipeline: {
          id: e.pipeline_id,
          owner_id: e.owner_id,
          name: e.pipeline_name,
          account: pipelineAccountName({ id: e.pipeline_id, account: e.pipeline_account }),
        },
        execution: { id: e.id, trigger_kind: e.trigger_kind, attempt: e.attempts },
        log,
        sql: r.sql,
        egress: r.egress,
        market: postgresMarket(r.sql),
        ledger: postgresLedger(r.sql),
      },
    });
  r.ran();
  if (outcome.status === "interrupted") {
    log.warn("Run interrupted; its entry stays pending to be reclaimed");
    return;
  }
  const { retryBaseSeconds: base, retryMaxSeconds: max } = r.options;
  const delay = backoffDelay(e.attempts, base, max);
  const plan = planCompletion(outcome, e.attempts, e.max_attempts, delay, new Date());
  const owned = await persistently(
    () => r.writes.finish.submit({ id: e.id, workerId: r.workerId, completion: plan.completion }),
    r.stop,
    log,
  );
  r.recorded();
  if (!owned) {
    log.warn("Execution was taken over by another worker; its outcome here is discarded");
    return;
  }
  const seconds = (performance.now() - started) / 1000;
  r.metrics.runDuration.observe(seconds, { status: plan.counted });
  r.metrics[plan.counted].inc();
  const job = { execution_id: e.id, pipeline_id: e.pipeline_id };
  if (plan.completion.status === "queued") {
    await r.writes.reschedule.submit({ job, dueAt: plan.completion.retryAt });
  }
  if (plan.deadLetterReason) {
    const fields = jobFields({ ...job, enqueued_at: Date.now() });
    await r.writes.deadLetter.submit({ entryId: r.entryId, fields, reason: plan.deadLetterReason });
    r.metrics.deadLettered.inc({ reason: "attempts" });
  }
  await r.writes.ack.submit(r.entryId);
  // One console line a person can scan: `run AAPL Trader succeeded 6 ms`.
  const line = {
    ticker: ("signal" in prepared ? prepared.signal?.ticker : undefined) ?? e.trigger_kind,
    pipeline: e.pipeline_name,
    ms: Math.round(seconds * 1000),
    error: plan.completion.error,
  };
  if (plan.counted === "retried") {
    log.warn("run {ticker} {pipeline} failed, retrying in {delay} s: {error}", { ...line, delay });
  } else if (plan.counted === "failed") {
    log.error("run {ticker} {pipeline} failed: {error}", line);
  } else log.info("run {ticker} {pipeline} {status} {ms} ms", { ...line, status: plan.counted });
}

/**
 * Each config object's validation, by agent set: the runs of one round share their pipeline's
 * config object (see execution_round.ts), so it is validated once per round, not once per run.
 * Steps are read-only to the engine, so runs may share them.
 */
const parsedConfigs = new WeakMap<
  AgentParamsByName,
  WeakMap<object, ReturnType<ReturnType<typeof pipelineConfigSchemaFor>["safeParse"]>>
>();

function parseConfig(config: unknown, agents: AgentParamsByName) {
  const schema = pipelineConfigSchemaFor(agents);
  if (typeof config !== "object" || config === null) return schema.safeParse(config);
  let byConfig = parsedConfigs.get(agents);
  if (!byConfig) parsedConfigs.set(agents, byConfig = new WeakMap());
  let parsed = byConfig.get(config);
  if (!parsed) byConfig.set(config, parsed = schema.safeParse(config));
  return parsed;
}

function prepare(
  e: DeliveredExecution,
  agents: AgentParamsByName,
): { steps: readonly Step[]; signal: ReturnType<typeof tickerSignalSchema.parse> | null } | {
  error: string;
} {
  const config = parseConfig(e.config, agents);
  if (!config.success) {
    const problems = issuesText(config.error.issues, "");
    return { error: `Cannot run pipeline "${e.pipeline_id}": config ${problems}` };
  }
  if (e.signal === null) return { steps: config.data.steps, signal: null };
  const signal = tickerSignalSchema.safeParse(e.signal);
  if (!signal.success) {
    const problems = issuesText(signal.error.issues);
    return { error: `Cannot parse signal of execution "${e.id}": ${problems}` };
  }
  return { steps: config.data.steps, signal: signal.data };
}

/**
 * Retries `write` with capped backoff (200 ms … 5 s) until it lands or fails after `stop` aborted
 * (then it throws). Unlike retryWithBackoff it tries once more after an abort during the wait: an
 * outcome that still lands spares the run a take-over and a repeat of its side effects.
 */
async function persistently<T>(
  write: () => Promise<T>,
  stop: AbortSignal,
  log: Logger,
): Promise<T> {
  for (let failures = 1;; failures++) {
    try {
      return await write();
    } catch (error) {
      if (stop.aborted) throw error;
      const delay = exponentialDelay(failures + 1, 100, 5000);
      log.warn("Cannot record the outcome, retrying in {delay} ms: {error}", {
        delay,
        error: errorMessage(error),
      });
      await sleep(delay, stop);
    }
  }
}
