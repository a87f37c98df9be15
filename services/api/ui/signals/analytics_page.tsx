/**
 * Analytics as a page: the funnel as bars per pipeline, latency per stage, success rate by
 * signal type (direction), and the signal-quality table. One owner-scoped query per section.
 */
import type { FunnelRow, LatencyRow, LatencyStage, QualityRow } from "../../analytics_store.ts";

/** Props of {@linkcode AnalyticsBody}. */
export interface AnalyticsProps {
  from: string;
  to: string;
  funnel: readonly FunnelRow[];
  byDirection: readonly FunnelRow[];
  latency: LatencyRow | undefined;
  quality: readonly QualityRow[];
}

const FUNNEL_BARS = ["signals", "matched", "claimed", "succeeded", "orders"] as const;
const STAGE_LABELS: Record<LatencyStage, string> = {
  emitted_to_received: "emitted → received",
  received_to_claimed: "received → claimed",
  claimed_to_enqueued: "claimed → enqueued",
  enqueued_to_started: "enqueued → started",
  started_to_finished: "started → finished",
};
const pct = (v: number | null) => v === null ? "—" : `${(v * 100).toFixed(1)} %`;

/** The page body. */
export function AnalyticsBody(props: AnalyticsProps) {
  const slowest = Math.max(
    1,
    ...Object.values(props.latency?.stages ?? {}).map((s) => s.p99_ms ?? 0),
  );
  return (
    <>
      <div class="page-head">
        <h1>Analytics</h1>
        <div class="actions">
          <span class="muted">{props.from.slice(0, 16)} – {props.to.slice(0, 16)} UTC</span>
        </div>
      </div>
      <section class="card" aria-labelledby="funnel">
        <h2 id="funnel">Funnel by pipeline</h2>
        {props.funnel.length === 0
          ? <p class="empty">No signal reached your pipelines in this period.</p>
          : props.funnel.map((row) => (
            <figure class="funnel" aria-label={`Funnel of ${row.name}`}>
              <figcaption>
                <a href={`/pipelines/${row.key}`}>{row.name}</a>{" "}
                <span class="muted">
                  filtered {row.filtered} (type {row.filtered_signal_type}, confidence{" "}
                  {row.filtered_min_confidence}, scanner {row.filtered_scanner}), stale{" "}
                  {row.stale}, busy {row.skipped_busy}, failed {row.failed}
                </span>
              </figcaption>
              <div class="waterfall" role="list">
                {FUNNEL_BARS.map((key) => (
                  <div role="listitem" style="display:contents">
                    <span>{key}</span>
                    <span class="bar-track" aria-hidden="true">
                      <span
                        class="bar"
                        style={`left:0;width:${
                          (100 * row[key] / Math.max(1, row.signals)).toFixed(1)
                        }%`}
                      >
                      </span>
                    </span>
                    <span class="num" data-count={key}>{row[key]}</span>
                  </div>
                ))}
              </div>
            </figure>
          ))}
      </section>
      <div class="grid2">
        <section class="card" aria-labelledby="latency">
          <h2 id="latency">Latency per stage (p50 / p95 / p99)</h2>
          <div class="waterfall" role="list">
            {(Object.keys(STAGE_LABELS) as LatencyStage[]).map((stage) => {
              const s = props.latency?.stages[stage];
              return (
                <div role="listitem" style="display:contents">
                  <span>{STAGE_LABELS[stage]}</span>
                  <span class="bar-track" aria-hidden="true">
                    <span
                      class="bar"
                      style={`left:0;width:${(100 * (s?.p99_ms ?? 0) / slowest).toFixed(1)}%`}
                    >
                    </span>
                  </span>
                  <span class="num">
                    {s && s.samples > 0 ? `${s.p50_ms} / ${s.p95_ms} / ${s.p99_ms} ms` : "—"}
                  </span>
                </div>
              );
            })}
          </div>
        </section>
        <section class="card" aria-labelledby="success">
          <h2 id="success">Success rate by signal type</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Direction</th>
                <th scope="col" class="num">Runs finished</th>
                <th scope="col" class="num">Succeeded</th>
              </tr>
            </thead>
            <tbody>
              {props.byDirection.map((row) => (
                <tr>
                  <td class={row.key ?? ""}>{row.key}</td>
                  <td class="num">{row.succeeded + row.failed}</td>
                  <td class="num">
                    {pct(
                      row.succeeded + row.failed
                        ? row.succeeded / (row.succeeded + row.failed)
                        : null,
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <section class="card" aria-labelledby="quality">
        <h2 id="quality">Signal quality after 5 bars</h2>
        {props.quality.length === 0
          ? <p class="empty">No signal with a bar date in the last 30 days.</p>
          : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Scanner</th>
                    <th scope="col">Direction</th>
                    <th scope="col" class="num">Confidence</th>
                    <th scope="col" class="num">Signals</th>
                    <th scope="col" class="num">Resolved</th>
                    <th scope="col" class="num">Hit rate</th>
                    <th scope="col" class="num">Mean forward return</th>
                  </tr>
                </thead>
                <tbody>
                  {props.quality.map((q) => (
                    <tr>
                      <td>{q.scanner ?? "—"}</td>
                      <td class={q.direction}>{q.direction}</td>
                      <td class="num">{q.confidence_from}–{q.confidence_from + 10}</td>
                      <td class="num">{q.signals}</td>
                      <td class="num">{q.resolved}</td>
                      <td class="num">{pct(q.hit_rate)}</td>
                      <td class="num">{pct(q.mean_forward_return)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </section>
    </>
  );
}
