/**
 * A manual run, shared by `POST /api/v1/pipelines/:id/run` and the web app's "Run now" and "Run
 * again": the same claim rule as signals, then the job on the stream (the sweep retries a failed
 * enqueue).
 */
import { errorMessage } from "../../shared/errors.ts";
import { claimExecutions } from "../../shared/executions/claim.ts";
import { enqueueJobs } from "../../shared/executions/enqueue.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import type { ApiDeps } from "./api_env.ts";
import { createExecutionStore } from "./execution_store.ts";

/** What a manual run did: queued an execution, or found the pipeline busy (its active run). */
export type ManualRunResult =
  | { queued: true; executionId: string }
  | { queued: false; activeId: string | null };

/**
 * Why a manual run may not carry `signal`: its ticker is not one the pipeline watches (a run of
 * an AAPL pipeline must not trade AMZN), or null when it may. A pipeline without tickers (a
 * periodic one) takes any.
 */
export function manualSignalProblem(
  pipeline: { scanner_tickers: readonly string[] },
  signal: TickerSignal | null,
): string | null {
  const tickers = pipeline.scanner_tickers;
  if (!signal || tickers.length === 0 || tickers.includes(signal.ticker)) return null;
  return `signal ticker "${signal.ticker}" is not one of the pipeline's scanner_tickers ` +
    `(${tickers.join(", ")})`;
}

/** Claims and enqueues a manual run of an active pipeline (the caller checked owner and state). */
export async function runPipelineNow(
  deps: Pick<ApiDeps, "sql" | "redis" | "names" | "config" | "log">,
  pipelineId: string,
  signal: TickerSignal | null,
): Promise<ManualRunResult> {
  const claimed = await claimExecutions(deps.sql, [{
    pipeline_id: pipelineId,
    trigger_kind: "manual",
    signal_id: null,
    signal,
    signal_emitted_at: signal?.emitted_at ?? null,
    received_at: new Date(),
  }]);
  const [execution] = claimed;
  if (!execution) {
    return { queued: false, activeId: await createExecutionStore(deps.sql).activeId(pipelineId) };
  }
  try {
    await enqueueJobs(deps.redis, deps.names, claimed, {
      maxLength: deps.config.JOBS_STREAM_MAX_LENGTH,
    });
  } catch (error) {
    // The execution is recorded as queued; the dispatcher's sweep enqueues it again.
    deps.log.error("Cannot enqueue manual run {executionId}: {error}", {
      executionId: execution.id,
      error: errorMessage(error),
    });
  }
  return { queued: true, executionId: execution.id };
}
