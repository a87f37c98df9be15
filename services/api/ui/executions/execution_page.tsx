/** One execution: its signal, the timing waterfall, every step, and "Run again". */
import { haltReason } from "../../../../shared/schemas/execution.ts";
import type { ExecutionRow } from "../../execution_store.ts";
import { duration, timestamp } from "../format.ts";
import { ActionForm } from "../action_form.tsx";
import { signalFacts } from "./executions_rows.tsx";

interface StepRecord {
  id?: string;
  agent?: string;
  status?: string;
  input?: unknown;
  output?: unknown;
  error?: unknown;
  duration_ms?: number;
  started_at?: string;
  finished_at?: string;
}

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** The waterfall's marks in order; missing ones are skipped. */
export function waterfall(e: ExecutionRow): { label: string; at: Date }[] {
  const emitted = signalFacts(e.signal).emitted_at;
  const marks: [string, Date | null][] = [
    ["emitted", e.signal_emitted_at ?? (emitted ? new Date(emitted) : null)],
    ["received", e.received_at],
    ["queued", e.queued_at],
    ["started", e.started_at],
    ["finished", e.finished_at],
  ];
  return marks.filter((m): m is [string, Date] => m[1] !== null).map(([label, at]) => ({
    label,
    at,
  }));
}

/** The page body. */
export function ExecutionDetails(props: {
  execution: ExecutionRow;
  pipelineName: string;
  /** Each step's configured params by step id: the input the worker resolved them from. */
  stepParams: Record<string, unknown>;
  csrf: string;
}) {
  const e = props.execution;
  const s = signalFacts(e.signal);
  const marks = waterfall(e);
  const start = marks[0]?.at.getTime() ?? 0;
  const span = Math.max(1, (marks.at(-1)?.at.getTime() ?? start) - start);
  const steps = (Array.isArray(e.steps) ? e.steps : []) as StepRecord[];
  const reason = haltReason(e.result);
  return (
    <>
      <div class="page-head">
        <h1>
          Execution <span class={`status status-${e.status}`}>{e.status}</span>
        </h1>
        <div class="actions">
          <a href={`/pipelines/${e.pipeline_id}`}>{props.pipelineName}</a>
          <ActionForm action={`/executions/${e.id}/run-again`} csrf={props.csrf}>
            <button type="submit">Run again</button>
          </ActionForm>
        </div>
      </div>
      <div class="grid2">
        <section class="card">
          <h2>Signal</h2>
          {e.signal
            ? (
              <dl class="facts">
                <dt>Ticker</dt>
                <dd>{s.ticker}</dd>
                <dt>Direction</dt>
                <dd class={s.direction ?? ""}>{s.direction}</dd>
                <dt>Confidence</dt>
                <dd>{s.confidence}</dd>
                <dt>Scanner</dt>
                <dd>{s.scanner ?? "—"}</dd>
                <dt>Bar date</dt>
                <dd>{s.bar_date ?? "—"}</dd>
                <dt>Price</dt>
                <dd>{s.price ?? "—"}</dd>
              </dl>
            )
            : <p class="muted">No signal: a {e.trigger_kind} run.</p>}
        </section>
        <section class="card">
          <h2>Timing</h2>
          <div class="waterfall" role="list">
            {marks.map((m, i) => {
              const prev = marks[i - 1] ?? m;
              const left = ((prev.at.getTime() - start) / span) * 100;
              const width = ((m.at.getTime() - prev.at.getTime()) / span) * 100;
              return (
                <div role="listitem" style="display:contents">
                  <span>{m.label}</span>
                  <span class="bar-track" aria-hidden="true">
                    <span
                      class="bar"
                      style={`left:${Math.min(left, 99).toFixed(1)}%;width:${width.toFixed(1)}%`}
                    >
                    </span>
                  </span>
                  <span class="num">
                    {i > 0 ? `+${duration(prev.at, m.at)}` : timestamp(m.at).slice(11)}
                  </span>
                </div>
              );
            })}
          </div>
          <p class="hint">
            Attempts {e.attempts} of {e.max_attempts}. Total{" "}
            {duration(marks[0]?.at ?? null, marks.at(-1)?.at ?? null)}.
          </p>
        </section>
      </div>
      {e.error && <p class="alert" role="alert">{e.error}</p>}
      {reason && (
        <p class="alert" role="status">
          {e.status === "rejected" ? "Trade rejected" : "Halted"}: {reason}
        </p>
      )}
      <h2>Steps</h2>
      {steps.length === 0 && <p class="card empty">No step has run yet.</p>}
      {steps.map((step) => (
        <section class="card step">
          <div class="step-head">
            <strong>
              {step.id ?? "step"} <span class="muted">({step.agent})</span>
            </strong>
            <span class={`status status-${step.status}`}>{step.status}</span>
            <span class="muted">
              {step.duration_ms !== undefined ? `${step.duration_ms} ms` : ""}
            </span>
          </div>
          <h3 class="hint">Input (params)</h3>
          <pre>{json(step.input ?? props.stepParams[step.id ?? ""] ?? {})}</pre>
          {step.output !== undefined && (
            <>
              <h3 class="hint">Output</h3>
              <pre>{json(step.output)}</pre>
            </>
          )}
          {step.error !== undefined && step.error !== null && (
            <>
              <h3 class="hint">Error</h3>
              <pre class="error">{typeof step.error === "string" ? step.error : json(step.error)}</pre>
            </>
          )}
        </section>
      ))}
    </>
  );
}
