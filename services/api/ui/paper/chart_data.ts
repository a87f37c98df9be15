/** The paper page's chart inputs, shaped for lightweight-charts. Pure. */
import type { Bar } from "../../../../shared/market/bar.ts";

/** A marker on a candle. */
export interface ChartMarker {
  time: string;
  position: "aboveBar" | "belowBar";
  shape: "arrowUp" | "arrowDown" | "circle";
  color: string;
  text: string;
}

/** A signal or a fill to mark, on its trading day (YYYY-MM-DD). */
export type MarkerSource =
  | { kind: "signal"; date: string; direction: string; confidence: number; scanner: string | null }
  | { kind: "fill"; date: string; side: "buy" | "sell"; quantity: number; price: number };

/**
 * Markers for the days that have a bar, sorted by day (lightweight-charts requires it); a marker
 * whose day has no bar is dropped, since it would float off the candles. A bullish signal points up
 * from below its bar and a bearish one down from above; a fill sits on the other side from the
 * signals of its direction, so a signal and the order it caused a bar later do not write their
 * labels over each other.
 */
export function chartMarkers(
  bars: readonly Bar[],
  sources: readonly MarkerSource[],
): ChartMarker[] {
  const days = new Set(bars.map((b) => b.date));
  return sources.filter((s) => days.has(s.date)).map((s): ChartMarker => {
    if (s.kind === "signal") {
      const bullish = s.direction === "BULLISH";
      return {
        time: s.date,
        position: bullish ? "belowBar" : "aboveBar",
        shape: bullish ? "arrowUp" : "arrowDown",
        color: bullish ? "#137333" : "#b3261e",
        text: `${s.scanner ?? "signal"} ${s.confidence}`,
      };
    }
    return {
      time: s.date,
      position: s.side === "buy" ? "aboveBar" : "belowBar",
      shape: "circle",
      color: "#1f5fd6",
      text: `${s.side} ${s.quantity} @ ${s.price}`,
    };
  }).sort((a, b) => a.time.localeCompare(b.time));
}

/** Candles of `bars` for a candlestick series. */
export function candles(bars: readonly Bar[]) {
  return bars.map((b) => ({
    time: b.date,
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
  }));
}
