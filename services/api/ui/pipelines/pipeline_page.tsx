/** One pipeline: its settings at a glance, actions, dispatch counts and live executions. */
import type { ExecutionRow } from "../../execution_store.ts";
import type { PipelineRow } from "../../pipeline_store.ts";
import { ExecutionsTable } from "../executions/executions_rows.tsx";
import { ActionForm } from "../action_form.tsx";
import type { SourceChoice } from "./source_choices.ts";

/** "public signals and all your sources; 2 of 3 within 600 s, in order". */
export function listenSummary(
  listen: PipelineRow["listen_to"],
  choices: SourceChoice[],
): string {
  const name = (source: string) => choices.find((c) => c.value === source)?.label ?? source;
  const heard = [
    listen?.public === false ? null : "public signals",
    !listen || listen.sources === "all"
      ? "all your sources"
      : `${listen.sources.length} of your sources`,
  ].filter(Boolean).join(" and ");
  const c = listen?.confluence;
  return c
    ? `${heard}; runs when ${c.k} of ${
      c.of.map(name).join(", ")
    } agree within ${c.within_seconds} s` +
      (c.ordered ? ", in that order" : "")
    : heard;
}

/**
 * "matched 2 · filtered 0 · …": the pipeline's dispatch counts, kept current by the page's event
 * stream (`dispatch` event) as its executions change.
 */
export function DispatchCounts(props: { counts: Record<string, number> }) {
  return (
    <>
      {Object.entries(props.counts).map(([reason, n]) => `${reason.replace("_", " ")} ${n}`)
        .join(" · ")}
    </>
  );
}

/** Props of {@linkcode PipelineDetails}. */
export interface PipelineDetailsProps {
  pipeline: PipelineRow;
  executions: ExecutionRow[];
  dispatch: Record<string, number>;
  csrf: string;
  notice?: string | undefined;
  /** Names of the sources a confluence counts. */
  sourceChoices: SourceChoice[];
}

/** The page body. */
export function PipelineDetails(props: PipelineDetailsProps) {
  const p = props.pipeline;
  const schedule = p.schedule
    ? "every_seconds" in p.schedule
      ? `every ${p.schedule.every_seconds} s`
      : `cron ${p.schedule.cron}`
    : null;
  return (
    <>
      <div class="page-head">
        <h1>{p.name}</h1>
        <span class={p.is_active ? "on" : "off"}>{p.is_active ? "active" : "paused"}</span>
        <div class="actions">
          <a class="button secondary" href={`/pipelines/${p.id}/edit`}>Edit</a>
          <ActionForm
            action={`/pipelines/${p.id}/active`}
            csrf={props.csrf}
            fields={{ is_active: p.is_active ? "false" : "true" }}
          >
            <button type="submit" class="secondary">{p.is_active ? "Pause" : "Resume"}</button>
          </ActionForm>
          <ActionForm action={`/pipelines/${p.id}/run`} csrf={props.csrf}>
            <button type="submit">Run now</button>
          </ActionForm>
          <ActionForm
            action={`/pipelines/${p.id}/delete`}
            csrf={props.csrf}
            confirm={`Delete pipeline "${p.name}" and its executions?`}
          >
            <button type="submit" class="danger">Delete</button>
          </ActionForm>
        </div>
      </div>
      {props.notice && <p class="alert" role="status">{props.notice}</p>}
      <div hx-ext="sse" sse-connect={`/pipelines/${p.id}/events`}>
        <section class="card">
          <dl class="facts">
            <dt>Trigger mode</dt>
            <dd>{p.trigger_mode}{schedule ? ` (${schedule})` : ""}</dd>
            <dt>Tickers</dt>
            <dd>
              {p.scanner_tickers.length
                ? p.scanner_tickers.map((t) => <span class="tag">{t}</span>)
                : "—"}
            </dd>
            {p.description && (
              <>
                <dt>Description</dt>
                <dd>{p.description}</dd>
              </>
            )}
            <dt>Steps</dt>
            <dd>{p.config.steps.map((s) => `${s.id} (${s.agent})`).join(" → ") || "none"}</dd>
            {p.trigger_mode === "signal" && (
              <>
                <dt>Listens to</dt>
                <dd>{listenSummary(p.listen_to, props.sourceChoices)}</dd>
              </>
            )}
            <dt>Overlap policy</dt>
            <dd>{p.overlap_policy}</dd>
            <dt>Dispatch (all time)</dt>
            <dd id="dispatch-counts" sse-swap="dispatch">
              <DispatchCounts counts={props.dispatch} />
            </dd>
          </dl>
        </section>
        <h2 id="executions-heading">Executions</h2>
        <ExecutionsTable rows={props.executions} />
      </div>
    </>
  );
}
