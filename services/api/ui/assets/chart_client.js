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
    // A tick at the very top or bottom edge would show half its label (seen: "110.00" cut).
    rightPriceScale: { entireTextOnly: true },
  });
  let count;
  if (data.kind === "line") {
    count = data.points?.length ?? 0;
    const series = chart.addSeries(LineSeries, {
      color: dark ? "#6ea0ff" : "#1f5fd6",
      lineWidth: 2,
    });
    series.setData(data.points ?? []);
  } else {
    count = data.bars?.length ?? 0;
    const series = chart.addSeries(CandlestickSeries, {});
    series.setData(data.bars ?? []);
    createSeriesMarkers(series, data.markers ?? []);
  }
  // An overview: every bar stays in view when the page is resized or rotated (kept from the right
  // edge, the earlier bars and their markers would slide out of a narrower chart).
  showAll(chart, count);
  chart.timeScale().subscribeSizeChange(() => showAll(chart, count));
  el.dataset.drawn = "true";
}

/** Room left clear on each side of the bars, in pixels: half a date label and a candle. */
const EDGE_PX = 24;

/**
 * Fits `count` bars with EDGE_PX clear at both ends. fitContent puts the first and last bar on the
 * edges: the last candle sat half under the price scale and the first date label was cut ("024").
 */
function showAll(chart, count) {
  const width = chart.timeScale().width();
  if (count < 2 || width <= 4 * EDGE_PX) return chart.timeScale().fitContent();
  // Bars of spacing s = width / (count - 1 + 2p) with p·s = EDGE_PX.
  const pad = (EDGE_PX * (count - 1)) / (width - 2 * EDGE_PX);
  chart.timeScale().setVisibleLogicalRange({ from: -pad, to: count - 1 + pad });
}

for (const el of document.querySelectorAll("[data-chart]")) draw(el);
