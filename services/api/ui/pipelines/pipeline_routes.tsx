/**
 * `/pipelines…`: the list, the form (new and edit), one pipeline with its live executions, and
 * pause/resume, run and delete. Every read and write goes through the JSON API's pipeline and
 * execution stores, scoped to the signed-in owner.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { DISPATCH_REASONS } from "../../../../shared/dispatch_stats.ts";
import { agentRegistry } from "../../../../shared/agents/registry.ts";
import {
  pipelineBodyOf,
  pipelineBodySchemas,
} from "../../../../shared/schemas/pipeline_request.ts";
import { createExecutionStore } from "../../execution_store.ts";
import { runPipelineNow } from "../../manual_run.ts";
import { createPipelineStore } from "../../pipeline_store.ts";
import { ExecutionRows } from "../executions/executions_rows.tsx";
import { changeStream } from "../live/change_stream.ts";
import { pipelineTopic } from "../live/live_hub.ts";
import type { FieldErrors } from "../form_field.tsx";
import { idParam, notFoundResponse, pageResponse } from "../page_response.tsx";
import { csrfToken } from "../session/cookies.ts";
import type { UiDeps, UiEnv } from "../ui_env.ts";
import {
  emptyValues,
  type FormBody,
  parseValues,
  type PipelineFormValues,
  valuesFromForm,
  valuesFromPipeline,
} from "./form_values.ts";
import { PipelineForm } from "./pipeline_form.tsx";
import { DispatchCounts, PipelineDetails } from "./pipeline_page.tsx";
import { PipelinesTable } from "./pipelines_page.tsx";
import { knownTickers, runSummaries } from "./run_summaries.ts";
import { sourceChoices } from "./source_choices.ts";
import { applyStepAction, newStep } from "./step_actions.ts";
import { StepFieldset } from "./step_editor.tsx";

const stepKey = () => crypto.randomUUID().slice(0, 8);

/** A step editor submission (no JavaScript): the values with the steps changed, or null. */
function stepEdit(body: FormBody, values: PipelineFormValues) {
  const action = body["step_action"];
  const agent = body["add_agent"];
  const addAgent = typeof agent === "string" ? agent : "log";
  const edited = typeof action === "string"
    ? applyStepAction(values.steps, action, { agent: addAgent, key: stepKey() })
    : null;
  return edited && { values: { ...values, steps: edited.steps }, focus: edited.focus, addAgent };
}

const EXECUTIONS_SHOWN = 50;

/** The pipeline pages, mounted at the root behind the browser session. */
export function pipelinePages(deps: UiDeps) {
  const store = createPipelineStore(deps.sql);
  const executions = createExecutionStore(deps.sql);
  const schema = pipelineBodySchemas({
    agents: agentRegistry,
    maxTickers: deps.config.API_MAX_TICKERS,
  }).create;

  const notFound = (c: Context<UiEnv>) => notFoundResponse(c, `Pipeline "${c.req.param("id")}"`);
  const own = (c: Context<UiEnv>) => {
    const id = idParam(c);
    return id ? store.get(c.get("userId"), id) : Promise.resolve(null);
  };
  const form = async (
    c: Context<UiEnv>,
    title: string,
    action: string,
    values: PipelineFormValues,
    errors: FieldErrors,
    editor: { focus?: string; addAgent?: string } = {},
  ) => {
    const owner = c.get("userId");
    const [tickers, choices] = await Promise.all([
      knownTickers(deps.sql, owner),
      sourceChoices(deps.sql, owner),
    ]);
    return pageResponse(
      c,
      title,
      <>
        <h1>{title}</h1>
        <PipelineForm
          action={action}
          csrf={csrfToken(c)}
          values={values}
          errors={errors}
          knownTickers={tickers}
          sourceChoices={choices}
          focus={editor.focus}
          addAgent={editor.addAgent}
        />
      </>,
      { status: Object.keys(errors).length > 0 ? 422 : 200 },
    );
  };
  const executionRows = async (pipelineId: string) =>
    (<ExecutionRows
      rows={await executions.list(pipelineId, { limit: EXECUTIONS_SHOWN, after: null })}
    />)
      .toString();
  /** The pipeline's dispatch counts, per reason (all time, from Redis). */
  const dispatchCounts = async (pipelineId: string) => {
    const counts = await deps.redis.hmget(
      deps.names.dispatchStats,
      ...DISPATCH_REASONS.map((r) => `${pipelineId}:${r}`),
    );
    return Object.fromEntries(DISPATCH_REASONS.map((r, i) => [r, Number(counts[i] ?? 0)]));
  };

  return new Hono<UiEnv>()
    .get("/", (c) => c.redirect("/pipelines", 303))
    .get("/pipelines", async (c) => {
      const owner = c.get("userId");
      const [pipelines, summaries] = await Promise.all([
        store.list(owner, { limit: 200 }),
        runSummaries(deps.sql, owner),
      ]);
      return pageResponse(
        c,
        "Pipelines",
        <>
          <div class="page-head">
            <h1>Pipelines</h1>
            <div class="actions">
              <a class="button" href="/pipelines/new">New pipeline</a>
            </div>
          </div>
          <PipelinesTable
            pipelines={pipelines}
            summaries={summaries}
            csrf={csrfToken(c)}
            now={new Date()}
          />
        </>,
      );
    })
    .get("/pipelines/new", (c) => form(c, "New pipeline", "/pipelines", emptyValues(), {}))
    .get("/pipelines/step", (c) => {
      const step = newStep(c.req.query("add_agent") ?? "log", stepKey());
      return c.html(<StepFieldset step={step} index={0} errors={{}} />);
    })
    .post("/pipelines", async (c) => {
      const body = await c.req.parseBody({ all: true });
      const values = valuesFromForm(body);
      const edited = stepEdit(body, values);
      if (edited) return form(c, "New pipeline", "/pipelines", edited.values, {}, edited);
      const parsed = parseValues(schema, values);
      if (!parsed.ok) return form(c, "New pipeline", "/pipelines", values, parsed.errors);
      const row = await store.create(c.get("userId"), parsed.body);
      return c.redirect(`/pipelines/${row.id}`, 303);
    })
    .get("/pipelines/:id", async (c) => {
      const pipeline = await own(c);
      if (!pipeline) return notFound(c);
      const [rows, dispatch, choices] = await Promise.all([
        executions.list(pipeline.id, { limit: EXECUTIONS_SHOWN, after: null }),
        dispatchCounts(pipeline.id),
        sourceChoices(deps.sql, c.get("userId")),
      ]);
      return pageResponse(
        c,
        pipeline.name,
        <PipelineDetails
          pipeline={pipeline}
          executions={rows}
          dispatch={dispatch}
          csrf={csrfToken(c)}
          notice={c.req.query("notice")}
          sourceChoices={choices}
        />,
      );
    })
    .get("/pipelines/:id/events", async (c) => {
      const pipeline = await own(c);
      if (!pipeline) return c.body(null, 404);
      return changeStream(c, {
        hub: deps.hub,
        topic: pipelineTopic(pipeline.id),
        // The dispatcher sends a batch's counts before its announcement, on one Redis connection
        // (batch_processor.ts), so the counts read here include the claim that woke the stream;
        // the execution's next change (started, finished) brings them again.
        sections: {
          executions: () => executionRows(pipeline.id),
          dispatch: async () =>
            (<DispatchCounts counts={await dispatchCounts(pipeline.id)} />).toString(),
        },
      });
    })
    .get("/pipelines/:id/edit", async (c) => {
      const pipeline = await own(c);
      if (!pipeline) return notFound(c);
      return form(
        c,
        `Edit ${pipeline.name}`,
        `/pipelines/${pipeline.id}`,
        valuesFromPipeline(pipeline),
        {},
      );
    })
    .post("/pipelines/:id", async (c) => {
      const pipeline = await own(c);
      if (!pipeline) return notFound(c);
      const body = await c.req.parseBody({ all: true });
      const values = valuesFromForm(body);
      const title = `Edit ${pipeline.name}`;
      const edited = stepEdit(body, values);
      if (edited) return form(c, title, `/pipelines/${pipeline.id}`, edited.values, {}, edited);
      const parsed = parseValues(schema, values);
      if (!parsed.ok) {
        return form(c, `Edit ${pipeline.name}`, `/pipelines/${pipeline.id}`, values, parsed.errors);
      }
      // The form does not show the paper account: the stored one stays.
      await store.update(
        c.get("userId"),
        pipeline.id,
        (current) => ({ ...parsed.body, account: current.account }),
      );
      return c.redirect(`/pipelines/${pipeline.id}`, 303);
    })
    .post("/pipelines/:id/active", async (c) => {
      const active = (await c.req.parseBody())["is_active"] === "true";
      const id = idParam(c);
      const row = id
        ? await store.update(
          c.get("userId"),
          id,
          (current) => pipelineBodyOf({ ...current, is_active: active }),
        )
        : null;
      if (!row) return notFound(c);
      const back = c.req.header("referer");
      return c.redirect(
        back && new URL(back).pathname === "/pipelines" ? "/pipelines" : `/pipelines/${id}`,
        303,
      );
    })
    .post("/pipelines/:id/run", async (c) => {
      const pipeline = await own(c);
      if (!pipeline) return notFound(c);
      if (!pipeline.is_active) {
        return c.redirect(
          `/pipelines/${pipeline.id}?notice=${
            encodeURIComponent("Paused pipelines do not run; resume it first.")
          }`,
          303,
        );
      }
      const run = await runPipelineNow(deps, pipeline.id, null);
      return run.queued ? c.redirect(`/executions/${run.executionId}`, 303) : c.redirect(
        `/pipelines/${pipeline.id}?notice=${
          encodeURIComponent("It is already running; the overlap policy skips this run.")
        }`,
        303,
      );
    })
    .post("/pipelines/:id/delete", async (c) => {
      const id = idParam(c);
      if (!id || !(await store.remove(c.get("userId"), id))) return notFound(c);
      return c.redirect("/pipelines", 303);
    });
}
