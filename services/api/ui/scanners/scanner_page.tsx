/** One scanner: its settings, and a preview of the days it would have fired on the stored bars. */
import type { Bar } from "../../../../shared/market/bar.ts";
import type { UserScanner } from "../../../../shared/schemas/user_scanner.ts";
import { scannerSource } from "../../../../shared/schemas/user_scanner.ts";
import type { PreviewFire } from "../../scanner_preview.ts";
import { Chart } from "../chart_view.tsx";
import { ActionForm } from "../action_form.tsx";
import { candles, chartMarkers } from "../paper/chart_data.ts";
import { ListTable } from "../list_table.tsx";

/** Props of {@linkcode ScannerPage}. */
export interface ScannerPageProps {
  scanner: UserScanner;
  csrf: string;
  preview: { bars: number; fires: PreviewFire[] };
  /** The ticker charted, and its latest bars. */
  chart: { ticker: string; bars: Bar[] } | null;
}

/** Fires shown in the table, newest first. */
const FIRES_SHOWN = 200;

/** The page body. */
export function ScannerPage(props: ScannerPageProps) {
  const s = props.scanner;
  const { fires, bars } = props.preview;
  const chart = props.chart;
  return (
    <>
      <div class="page-head">
        <h1>{s.name}</h1>
        <span class={s.is_active ? "on" : "off"}>{s.is_active ? "active" : "paused"}</span>
        <div class="actions">
          <a class="button secondary" href={`/scanners/${s.id}/edit`}>Edit</a>
          <ActionForm
            action={`/scanners/${s.id}/delete`}
            csrf={props.csrf}
            confirm={`Delete scanner "${s.name}"?`}
          >
            <button type="submit" class="danger">Delete</button>
          </ActionForm>
        </div>
      </div>
      <section class="card">
        <dl class="facts">
          <dt>Expression</dt>
          <dd>
            <code class="wrap">{s.expression}</code>
          </dd>
          <dt>Tickers</dt>
          <dd>{s.tickers.map((t) => <span class="tag">{t}</span>)}</dd>
          <dt>Signals</dt>
          <dd>
            <span class={s.direction}>{s.direction}</span>, confidence {s.confidence}
          </dd>
          <dt>Pipelines listen to it as</dt>
          <dd>
            <code>{scannerSource(s.id)}</code>
          </dd>
        </dl>
      </section>
      <h2>Preview</h2>
      <p class="muted" role="status">
        {fires.length} {fires.length === 1 ? "fire" : "fires"} on {bars} stored bars.
      </p>
      {chart && chart.bars.length > 0 && (
        <>
          {s.tickers.length > 1 && (
            <nav class="actions" aria-label="Charted ticker">
              {s.tickers.map((t) =>
                t === chart.ticker
                  ? <span class="tag" aria-current="true">{t}</span>
                  : <a href={`/scanners/${s.id}?ticker=${encodeURIComponent(t)}`}>{t}</a>
              )}
            </nav>
          )}
          <Chart
            label={`${chart.ticker} daily candles with the days ${s.name} fires`}
            data={{
              kind: "candles",
              bars: candles(chart.bars),
              markers: chartMarkers(
                chart.bars,
                fires.filter((f) => f.ticker === chart.ticker).map((f) => ({
                  kind: "signal" as const,
                  date: f.date,
                  direction: s.direction,
                  confidence: s.confidence,
                  scanner: s.name,
                })),
              ),
            }}
          />
        </>
      )}
      {fires.length > 0 && (
        <ListTable
          caption="Days the scanner fires, newest first"
          columns={["Date", "Ticker", { label: "Close", class: "num" }]}
        >
          {[...fires].sort((a, b) => b.date.localeCompare(a.date)).slice(0, FIRES_SHOWN).map((
            f,
          ) => (
            <tr>
              <td>{f.date}</td>
              <td>{f.ticker}</td>
              <td class="num">{f.price.toFixed(2)}</td>
            </tr>
          ))}
        </ListTable>
      )}
    </>
  );
}
