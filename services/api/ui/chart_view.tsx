/** A chart for chart.js (assets/chart_client.js) to draw: a line, or candles with markers. */
import { raw } from "hono/html";

/** A chart container; its data rides along as JSON (escaped for a script element). */
export function Chart(props: { label: string; data: unknown }) {
  const json = JSON.stringify(props.data).replaceAll("<", "\\u003c");
  return (
    <div class="chart card" data-chart role="img" aria-label={props.label}>
      <script type="application/json">{raw(json)}</script>
    </div>
  );
}
