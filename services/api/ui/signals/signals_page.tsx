/** The signal log as a page: newest first, filtered by ticker, scanner and direction. */
import type { SignalRow } from "../../signal_store.ts";
import { timestamp } from "../format.ts";
import { ListTable } from "../list_table.tsx";

/** Props of {@linkcode SignalsList}. */
export interface SignalsListProps {
  signals: readonly SignalRow[];
  filters: {
    ticker?: string | undefined;
    scanner?: string | undefined;
    direction?: string | undefined;
  };
  /** Query string of the next page, or null at the end. */
  next: string | null;
  /** Event stream that prepends new signals (the first page only). */
  stream?: string | undefined;
}

/** The rows of `signals`; the live stream sends them too. */
export function SignalTableRows(props: { signals: readonly SignalRow[] }) {
  return (
    <>
      {props.signals.map((s) => (
        <tr>
          <td>
            <a href={`/signals/${encodeURIComponent(s.signal_id)}`}>
              {timestamp(s.received_at)}
            </a>
          </td>
          <td>{s.ticker}</td>
          <td class={s.direction ?? ""}>{s.direction}</td>
          <td class="num">{s.confidence}</td>
          <td class="hide-narrow">{s.scanner ?? "—"}</td>
          <td class="hide-narrow muted">
            {s.topic}/{s.partition}@{s.kafka_offset}
          </td>
        </tr>
      ))}
    </>
  );
}

/** The page body. */
export function SignalsList(props: SignalsListProps) {
  const f = props.filters;
  return (
    <>
      <div class="page-head">
        <h1>Signals</h1>
        <div class="actions">
          <a href="/analytics">Analytics</a>
        </div>
      </div>
      <form method="get" action="/signals" class="filters card" role="search">
        <div class="field">
          <label for="ticker">Ticker</label>
          <input id="ticker" name="ticker" value={f.ticker ?? ""} />
        </div>
        <div class="field">
          <label for="scanner">Scanner</label>
          <input id="scanner" name="scanner" value={f.scanner ?? ""} />
        </div>
        <div class="field">
          <label for="direction">Direction</label>
          <select id="direction" name="direction">
            <option value="">any</option>
            {["BULLISH", "BEARISH"].map((d) => (
              <option value={d} selected={f.direction === d}>{d}</option>
            ))}
          </select>
        </div>
        <button type="submit">Filter</button>
      </form>
      <div {...(props.stream ? { "hx-ext": "sse", "sse-connect": props.stream } : {})}>
        {props.stream && <p class="live-state" aria-hidden="true">live updates</p>}
        <ListTable
          caption="Signals, newest first"
          columns={[
            "Received",
            "Ticker",
            "Direction",
            { label: "Confidence", class: "num", short: "Conf." },
            { label: "Scanner", class: "hide-narrow" },
            { label: "Origin", class: "hide-narrow" },
          ]}
          body={{
            id: "signals",
            ...(props.stream ? { "sse-swap": "signals", "hx-swap": "afterbegin" } : {}),
          }}
        >
          {/* Live rows go in before it; the stylesheet hides it once it is not the only row. */}
          {props.signals.length === 0 && (
            <tr class="empty-row">
              <td colspan={6} class="empty">
                {props.stream ? "No signals yet. They appear here as they arrive." : "No signals."}
              </td>
            </tr>
          )}
          <SignalTableRows signals={props.signals} />
        </ListTable>
      </div>
      {props.next && (
        <p>
          <a href={`/signals?${props.next}`}>Older signals</a>
        </p>
      )}
    </>
  );
}
