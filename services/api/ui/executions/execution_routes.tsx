/** `/executions/:id` and its "Run again" (the same manual run as the JSON API's). */
import { Hono } from "hono";
import type { Context } from "hono";
import { tickerSignalSchema } from "../../../../shared/schemas/signal.ts";
import { createExecutionStore } from "../../execution_store.ts";
import { manualSignalProblem, runPipelineNow } from "../../manual_run.ts";
import { createPipelineStore } from "../../pipeline_store.ts";
import { idParam, notFoundResponse, pageResponse } from "../page_response.tsx";
import { csrfToken } from "../session/cookies.ts";
import type { UiDeps, UiEnv } from "../ui_env.ts";
import { ExecutionDetails } from "./execution_page.tsx";

/** The execution pages, mounted at the root behind the browser session. */
export function executionPages(deps: UiDeps) {
  const executions = createExecutionStore(deps.sql);
  const pipelines = createPipelineStore(deps.sql);
  const notFound = (c: Context<UiEnv>) => notFoundResponse(c, `Execution "${c.req.param("id")}"`);
  const own = async (c: Context<UiEnv>) => {
    const id = idParam(c);
    const execution = id ? await executions.get(c.get("userId"), id) : null;
    const pipeline = execution ? await pipelines.get(c.get("userId"), execution.pipeline_id) : null;
    return execution && pipeline ? { execution, pipeline } : null;
  };

  return new Hono<UiEnv>()
    .get("/executions/:id", async (c) => {
      const found = await own(c);
      if (!found) return notFound(c);
      const stepParams = Object.fromEntries(
        found.pipeline.config.steps.map((s) => [s.id, s.params]),
      );
      return pageResponse(
        c,
        "Execution",
        <ExecutionDetails
          execution={found.execution}
          pipelineName={found.pipeline.name}
          stepParams={stepParams}
          csrf={csrfToken(c)}
        />,
        { path: "/pipelines" },
      );
    })
    .post("/executions/:id/run-again", async (c) => {
      const found = await own(c);
      if (!found) return notFound(c);
      const { pipeline, execution } = found;
      const back = (notice: string) =>
        c.redirect(`/pipelines/${pipeline.id}?notice=${encodeURIComponent(notice)}`, 303);
      if (!pipeline.is_active) return back("Paused pipelines do not run; resume it first.");
      const signal = tickerSignalSchema.safeParse(execution.signal);
      const replayed = signal.success ? signal.data : null;
      const problem = manualSignalProblem(pipeline, replayed);
      if (problem) return back(`Cannot run again: ${problem}.`);
      const run = await runPipelineNow(deps, pipeline.id, replayed);
      return run.queued
        ? c.redirect(`/executions/${run.executionId}`, 303)
        : back("It is already running; the overlap policy skips this run.");
    });
}
