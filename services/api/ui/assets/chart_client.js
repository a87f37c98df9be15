// Browser code, bundled by assets.ts with the pinned lightweight-charts: draws every
// `[data-chart]` element from the JSON in its `<script type="application/json">` child, an equity
// line or daily candles with signal and fill markers. Colours follow the system theme.
import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  LineSeries,
} from "lightweight-charts";

function draw(el) {
  const data = JSON.parse(el.querySelector("script")?.textContent ?? "{}");
  const dark = matchMedia("(prefers-color-scheme: dark)").matches;
  const chart = createChart(el, {
    autoSize: true,
    layout: { background: { color: "transparent" }, textColor: dark ? "#e6e8ec" : "#16181d" },
    grid: {
      vertLines: { color: dark ? "#2e333d" : "#eceef2" },
      horzLines: { color: dark ? "#2e333d" : "#eceef2" },
    },
    timeScale: { timeVisible: data.kind === "line" },
  });
  if (data.kind === "line") {
    const series = chart.addSeries(LineSeries, {
      color: dark ? "#6ea0ff" : "#1f5fd6",
      lineWidth: 2,
    });
    series.setData(data.points ?? []);
  } else {
    const series = chart.addSeries(CandlestickSeries, {});
    series.setData(data.bars ?? []);
    createSeriesMarkers(series, data.markers ?? []);
  }
  // An overview: every bar stays in view when the page is resized or rotated (kept from the right
  // edge, the earlier bars and their markers would slide out of a narrower chart).
  chart.timeScale().fitContent();
  chart.timeScale().subscribeSizeChange(() => chart.timeScale().fitContent());
  el.dataset.drawn = "true";
}

for (const el of document.querySelectorAll("[data-chart]")) draw(el);
