/**
 * A pipeline's execution rows: status word and the signal's ticker, direction and confidence as
 * text. The pipeline page renders them, and its event stream sends them again on every change.
 */
import type { ExecutionRow } from "../../execution_store.ts";
import { duration, timestamp } from "../format.ts";
import { ListTable } from "../list_table.tsx";

/** The signal fields a row shows, read defensively from the stored jsonb. */
export function signalFacts(signal: Record<string, unknown> | null) {
  const text = (k: string) => (typeof signal?.[k] === "string" ? signal[k] as string : null);
  const number = (k: string) => (typeof signal?.[k] === "number" ? signal[k] as number : null);
  return {
    ticker: text("ticker"),
    direction: text("signal"),
    confidence: number("confidence"),
    scanner: text("scanner"),
    bar_date: text("bar_date"),
    price: number("price"),
    emitted_at: text("emitted_at"),
  };
}

/** The `<tr>`s of `rows` (or one row saying there are none). */
export function ExecutionRows(props: { rows: ExecutionRow[] }) {
  if (props.rows.length === 0) {
    return (
      <tr>
        <td colspan={7} class="empty">No executions yet. They appear here as signals arrive.</td>
      </tr>
    );
  }
  return (
    <>
      {props.rows.map((e) => {
        const s = signalFacts(e.signal);
        return (
          <tr id={`execution-${e.id}`} data-status={e.status}>
            <td>
              <span class={`status status-${e.status}`}>{e.status}</span>
            </td>
            <td>{s.ticker ?? <span class="muted">{e.trigger_kind}</span>}</td>
            <td class={s.direction ?? ""}>{s.direction ?? ""}</td>
            <td class="num">{s.confidence ?? ""}</td>
            <td class="hide-narrow">{timestamp(e.queued_at)}</td>
            <td class="num hide-narrow">{duration(e.started_at, e.finished_at)}</td>
            <td>
              <a href={`/executions/${e.id}`}>
                Details<span class="skip">of execution {e.id}</span>
              </a>
            </td>
          </tr>
        );
      })}
    </>
  );
}

/**
 * The table around the rows, kept current by the `executions` event of the event stream its page
 * connects to.
 */
export function ExecutionsTable(props: { rows: ExecutionRow[] }) {
  return (
    <>
      <p class="live-state" aria-hidden="true">live updates</p>
      <ListTable
        caption="Executions, newest first, updated live"
        columns={[
          "Status",
          "Ticker",
          "Direction",
          { label: "Confidence", class: "num" },
          { label: "Queued (UTC)", class: "hide-narrow" },
          { label: "Duration", class: "num hide-narrow" },
          { label: <span class="skip">Details</span> },
        ]}
        body={{ id: "executions", "sse-swap": "executions", "aria-live": "polite" }}
      >
        <ExecutionRows rows={props.rows} />
      </ListTable>
    </>
  );
}
