/** The pipelines list: name, trigger mode, tickers, active flag, last run, today's runs. */
import type { PipelineRow } from "../../pipeline_store.ts";
import { ActionForm } from "../action_form.tsx";
import { ago } from "../format.ts";
import type { RunSummary } from "./run_summaries.ts";
import { ListTable } from "../list_table.tsx";

/** Props of {@linkcode PipelinesTable}. */
export interface PipelinesTableProps {
  pipelines: PipelineRow[];
  summaries: Map<string, RunSummary>;
  csrf: string;
  now: Date;
}

/** The table, or a first-run hint when there is none. */
export function PipelinesTable(props: PipelinesTableProps) {
  if (props.pipelines.length === 0) {
    return (
      <p class="card empty">
        No pipelines yet. <a href="/pipelines/new">Create your first pipeline</a>.
      </p>
    );
  }
  return (
    <ListTable
      caption="Your pipelines"
      columns={[
        "Name",
        "Trigger",
        { label: "Tickers", class: "hide-narrow" },
        "Active",
        "Last run",
        { label: "Today", class: "hide-narrow" },
        { label: <span class="skip">Actions</span> },
      ]}
    >
      {props.pipelines.map((p) => {
        const s = props.summaries.get(p.id);
        return (
          <tr>
            <td>
              <a href={`/pipelines/${p.id}`}>{p.name}</a>
            </td>
            <td>{p.trigger_mode}</td>
            <td class="hide-narrow">
              {p.scanner_tickers.slice(0, 8).map((t) => <span class="tag">{t}</span>)}
              {p.scanner_tickers.length > 8 && (
                <span class="muted">+{p.scanner_tickers.length - 8}</span>
              )}
            </td>
            <td class={p.is_active ? "on" : "off"}>{p.is_active ? "active" : "paused"}</td>
            <td>
              {s?.last_status
                ? (
                  <a href={`/executions/${s.last_execution_id}`}>
                    <span class={`status status-${s.last_status}`}>{s.last_status}</span>{" "}
                    <span class="muted">{ago(s.last_queued_at, props.now)}</span>
                  </a>
                )
                : <span class="muted">never</span>}
            </td>
            <td class="hide-narrow">
              {s && s.today_total > 0
                ? `${s.today_total} runs · ${s.today_succeeded} ok · ${s.today_failed} failed`
                : <span class="muted">0 runs</span>}
            </td>
            <td>
              <ActionForm
                action={`/pipelines/${p.id}/active`}
                csrf={props.csrf}
                fields={{ is_active: p.is_active ? "false" : "true" }}
              >
                <button type="submit" class="link">
                  {p.is_active ? "Pause" : "Resume"}
                  <span class="skip">{p.name}</span>
                </button>
              </ActionForm>
            </td>
          </tr>
        );
      })}
    </ListTable>
  );
}
