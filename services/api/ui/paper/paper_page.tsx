/** The paper account: equity curve, open positions, orders, and a ticker's candles with markers. */
import type {
  MarkedPosition,
  PaperAccount,
  Valuation,
} from "../../../../shared/ledger/accounts.ts";
import type { OrderRow, SnapshotRow } from "../../paper_store.ts";
import { Chart } from "../chart_view.tsx";
import { timestamp } from "../format.ts";
import type { ChartMarker } from "./chart_data.ts";
import { ListTable } from "../list_table.tsx";

const money = (n: number) =>
  n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Props of {@linkcode PaperAccountView}. */
export interface PaperAccountProps {
  accounts: PaperAccount[];
  account: PaperAccount & Valuation;
  equity: SnapshotRow[];
  orders: OrderRow[];
  tickers: string[];
  ticker: string | null;
  candles: unknown[];
  markers: ChartMarker[];
}

function Positions(props: { positions: MarkedPosition[] }) {
  if (props.positions.length === 0) return <p class="card empty">No open positions.</p>;
  return (
    <ListTable
      caption="Open positions"
      columns={[
        "Ticker",
        { label: "Quantity", class: "num" },
        { label: "Avg price", class: "num hide-narrow" },
        { label: "Mark", class: "num" },
        { label: "Unrealised P&L", class: "num" },
      ]}
    >
      {props.positions.map((p) => (
        <tr>
          <td>
            <a href={`?ticker=${encodeURIComponent(p.ticker)}`}>{p.ticker}</a>
          </td>
          <td class="num">{p.quantity}</td>
          <td class="num hide-narrow">{money(p.avg_price)}</td>
          <td class="num">{money(p.mark)}</td>
          <td class={`num ${p.unrealised_pnl >= 0 ? "on" : "status-failed"}`}>
            {money(p.unrealised_pnl)}
          </td>
        </tr>
      ))}
    </ListTable>
  );
}

function Orders(props: { orders: OrderRow[] }) {
  if (props.orders.length === 0) return <p class="card empty">No orders yet.</p>;
  return (
    <ListTable
      caption="Orders, newest first"
      columns={[
        { label: "Time (UTC)", class: "hide-narrow" },
        "Ticker",
        "Side",
        { label: "Qty", class: "num" },
        { label: "Price", class: "num" },
        "Status",
        { label: "Execution", class: "hide-narrow" },
      ]}
    >
      {props.orders.map((o) => (
        <tr>
          <td class="hide-narrow">{timestamp(o.created_at).slice(0, 19)}</td>
          <td>{o.ticker}</td>
          <td>{o.side}</td>
          <td class="num">{o.quantity}</td>
          <td class="num">{money(o.fill_price ?? o.requested_price)}</td>
          <td class={o.status === "filled" ? "on" : "status-failed"}>
            {o.status}
            {o.reject_reason ? `: ${o.reject_reason}` : ""}
          </td>
          <td class="hide-narrow">
            {o.execution_id ? <a href={`/executions/${o.execution_id}`}>run</a> : "—"}
          </td>
        </tr>
      ))}
    </ListTable>
  );
}

/** The page body. */
export function PaperAccountView(props: PaperAccountProps) {
  const a = props.account;
  const points = [...props.equity].reverse().map((s) => ({
    time: Math.floor(s.at.getTime() / 1000),
    value: s.equity,
  }));
  return (
    <>
      <div class="page-head">
        <h1>Paper account</h1>
        <form method="get" action="/paper" class="actions">
          <label for="account">Account</label>
          <select id="account" name="account" style="width:auto">
            {props.accounts.map((x) => (
              <option value={x.id} selected={x.id === a.id}>{x.name}</option>
            ))}
          </select>
          <button type="submit" class="secondary">Show</button>
        </form>
      </div>
      <section class="card">
        <dl class="facts">
          <dt>Equity</dt>
          <dd>{money(a.equity)} {a.currency}</dd>
          <dt>Cash</dt>
          <dd>{money(a.cash)}</dd>
          <dt>Unrealised P&amp;L</dt>
          <dd>{money(a.unrealised_pnl)}</dd>
          <dt>Starting cash</dt>
          <dd>{money(a.starting_cash)}</dd>
        </dl>
      </section>
      <h2>Equity curve</h2>
      {points.length > 1
        ? <Chart label={`Equity of ${a.name} after each fill`} data={{ kind: "line", points }} />
        : <p class="card empty">The curve starts after the first fills.</p>}
      <h2>Open positions</h2>
      <Positions positions={a.positions} />
      <h2>Price chart</h2>
      <form method="get" action="/paper" class="filters">
        <input type="hidden" name="account" value={a.id} />
        <div class="field">
          <label for="ticker">Ticker</label>
          <select id="ticker" name="ticker">
            {props.tickers.map((t) => <option value={t} selected={t === props.ticker}>{t}</option>)}
          </select>
        </div>
        <button type="submit" class="secondary">Show chart</button>
      </form>
      {props.candles.length > 0
        ? (
          <Chart
            label={`Daily candles of ${props.ticker} with ${props.markers.length} signal and fill markers`}
            data={{ kind: "candles", bars: props.candles, markers: props.markers }}
          />
        )
        : <p class="card empty">No daily bars stored for {props.ticker ?? "this ticker"}.</p>}
      <h2>Orders</h2>
      <Orders orders={props.orders} />
    </>
  );
}
