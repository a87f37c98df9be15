/**
 * One signal's lineage as a tree: the signal → each of the viewer's pipelines it reached, with
 * the decision and why → the execution → its steps → the orders they placed.
 */
import type { ExecutionRow } from "../../execution_store.ts";
import type { DecisionRow } from "../../signal_decisions.ts";
import type { PaperOrderRow, SignalRow } from "../../signal_store.ts";
import { duration, timestamp } from "../format.ts";

/** Props of {@linkcode SignalLineage}. */
export interface SignalLineageProps {
  signal: SignalRow;
  decisions: readonly DecisionRow[];
  executions: ReadonlyMap<string, ExecutionRow>;
  orders: readonly PaperOrderRow[];
}

/** Why a decision went the way it did, in words. */
export function decisionReason(d: DecisionRow): string {
  switch (d.decision) {
    case "claimed":
      return "matched and claimed";
    case "filtered":
      return `filtered by ${d.condition ?? "its signal filter"}`;
    case "stale":
      return `stale: ${Math.round(d.age_seconds ?? 0)} s old, limit ${d.max_signal_age_seconds} s`;
    case "skipped_busy":
      return "matched, but the pipeline was busy";
    case "no_quorum":
      return "kept for the confluence, which did not fire with it";
  }
}

interface StepRecord {
  id?: string;
  agent?: string;
  status?: string;
  duration_ms?: number;
}

/** The page body. */
export function SignalLineage(props: SignalLineageProps) {
  const s = props.signal;
  return (
    <>
      <div class="page-head">
        <h1>
          Signal <span class={s.direction ?? ""}>{s.ticker} {s.direction}</span>
        </h1>
        <div class="actions">
          <a href="/signals">All signals</a>
        </div>
      </div>
      <section class="card" aria-labelledby="origin">
        <h2 id="origin">Where it came from</h2>
        <dl class="facts">
          <dt>Signal id</dt>
          <dd>{s.signal_id}</dd>
          <dt>Confidence</dt>
          <dd>{s.confidence ?? "—"}</dd>
          <dt>Scanner</dt>
          <dd>{s.scanner ?? "—"}</dd>
          <dt>Bar date</dt>
          <dd>{s.bar_date ?? "—"}</dd>
          <dt>Price</dt>
          <dd>{s.price ?? "—"}</dd>
          <dt>Kafka</dt>
          <dd>
            {s.topic} partition {s.partition} offset {s.kafka_offset}
          </dd>
          <dt>Emitted</dt>
          <dd>{timestamp(s.emitted_at)}</dd>
          <dt>Received</dt>
          <dd>{timestamp(s.received_at)}</dd>
        </dl>
        {s.reject_reason && (
          <p class="alert" role="alert">Rejected ({s.reject_reason}): {s.error}</p>
        )}
      </section>
      <h2 id="lineage">What your pipelines did</h2>
      {props.decisions.length === 0
        ? <p class="card empty">It reached none of your pipelines.</p>
        : (
          <ul class="tree" aria-labelledby="lineage">
            {props.decisions.map((d) => {
              const e = d.execution_id ? props.executions.get(d.execution_id) : undefined;
              const steps = (Array.isArray(e?.steps) ? e.steps : []) as StepRecord[];
              const orders = props.orders.filter((o) => o.execution_id === d.execution_id);
              return (
                <li data-decision={d.decision}>
                  <a href={`/pipelines/${d.pipeline_id}`}>{d.pipeline_name}</a>{" "}
                  <span class={`status decision-${d.decision}`}>{d.decision}</span>{" "}
                  <span class="muted">{decisionReason(d)}</span>
                  {d.busy_execution_id && (
                    <>
                      {" "}(<a href={`/executions/${d.busy_execution_id}`}>the run holding it</a>)
                    </>
                  )}
                  {e && (
                    <ul>
                      <li>
                        <a href={`/executions/${e.id}`}>Execution</a>{" "}
                        <span class={`status status-${e.status}`}>{e.status}</span>{" "}
                        <span class="muted">
                          queued {timestamp(e.queued_at).slice(11)}
                          {e.finished_at ? `, took ${duration(e.started_at, e.finished_at)}` : ""}
                        </span>
                        {steps.length > 0 && (
                          <ul>
                            {steps.map((step) => (
                              <li>
                                Step {step.id} <span class="muted">({step.agent})</span>{" "}
                                <span class={`status status-${step.status}`}>{step.status}</span>
                              </li>
                            ))}
                          </ul>
                        )}
                        {orders.length > 0 && (
                          <ul>
                            {orders.map((o) => (
                              <li>
                                Order: {o.side} {o.quantity} {o.ticker}{" "}
                                <span class={`status status-${o.status}`}>{o.status}</span>
                                {o.fill_price ? ` at ${o.fill_price}` : ""}
                                {o.reject_reason ? ` (${o.reject_reason})` : ""}
                              </li>
                            ))}
                          </ul>
                        )}
                      </li>
                    </ul>
                  )}
                </li>
              );
            })}
          </ul>
        )}
    </>
  );
}
