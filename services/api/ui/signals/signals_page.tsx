/** The live signals feed: filters by ticker, scanner and direction, newest first. */
import { SIGNAL_TYPES } from "../../../../shared/schemas/signal.ts";
import { timestamp } from "../format.ts";
import type { SignalRow } from "../../signal_store.ts";
import type { SignalFilter } from "./signal_filter.ts";

/** Rows of signals (prepended by the stream as they arrive). */
export function SignalRows(props: { rows: SignalRow[] }) {
  return (
    <>
      {props.rows.map((s) => (
        <tr>
          <td>
            <time datetime={s.received_at.toISOString()} title={timestamp(s.received_at)}>
              {timestamp(s.received_at).slice(11, 19)}
            </time>
          </td>
          <td>{s.ticker}</td>
          <td class={s.direction ?? ""}>{s.direction}</td>
          <td class="num">{s.confidence}</td>
          <td>{s.scanner ?? ""}</td>
          <td class="hide-narrow">{s.bar_date ?? ""}</td>
          <td class="num hide-narrow">{s.price ?? ""}</td>
        </tr>
      ))}
    </>
  );
}

/** The page body. */
export function SignalsFeed(
  props: { filter: SignalFilter; rows: SignalRow[]; stream: string },
) {
  const f = props.filter;
  return (
    <>
      <div class="page-head">
        <h1>Signals</h1>
      </div>
      <form method="get" action="/signals" class="filters card">
        <div class="field">
          <label for="filter-ticker">Ticker</label>
          <input id="filter-ticker" name="ticker" value={f.ticker ?? ""} placeholder="any" />
        </div>
        <div class="field">
          <label for="filter-scanner">Scanner</label>
          <input id="filter-scanner" name="scanner" value={f.scanner ?? ""} placeholder="any" />
        </div>
        <div class="field">
          <label for="filter-direction">Direction</label>
          <select id="filter-direction" name="direction">
            <option value="">any</option>
            {SIGNAL_TYPES.map((d) => <option value={d} selected={f.direction === d}>{d}</option>)}
          </select>
        </div>
        <div class="actions">
          <button type="submit">Filter</button>
          <a href="/signals">Clear</a>
        </div>
      </form>
      <div hx-ext="sse" sse-connect={props.stream}>
        <p class="live-state" aria-hidden="true">live updates</p>
        <div class="table-wrap">
          <table>
            <caption class="skip">Signals, newest first, updated live</caption>
            <thead>
              <tr>
                <th scope="col">Received (UTC)</th>
                <th scope="col">Ticker</th>
                <th scope="col">Direction</th>
                <th scope="col" class="num">Confidence</th>
                <th scope="col">Scanner</th>
                <th scope="col" class="hide-narrow">Bar date</th>
                <th scope="col" class="num hide-narrow">Price</th>
              </tr>
            </thead>
            <tbody id="signals" sse-swap="signals" hx-swap="afterbegin">
              <SignalRows rows={props.rows} />
            </tbody>
          </table>
        </div>
        {props.rows.length === 0 && (
          <p class="empty" id="signals-empty">
            Waiting for signals; they appear here as they arrive.
          </p>
        )}
      </div>
    </>
  );
}
