/** The table of a scan's signals that the generator prints on a terminal. */
import type { TickerSignal } from "../../shared/schemas/signal.ts";

const COLUMNS = ["TICKER", "SCANNER", "SIGNAL", "CONF", "PRICE", "SIGNAL ID"] as const;
const RIGHT_ALIGNED = new Set<string>(["CONF", "PRICE"]);

/** A plain-text table: a title line with the bar date, a header, one row per signal. */
export function formatSignalTable(date: string, signals: readonly TickerSignal[]): string {
  const title = `${date} · ${signals.length} signal${signals.length === 1 ? "" : "s"}`;
  if (signals.length === 0) return title;
  const rows = signals.map((s) => [
    s.ticker,
    s.scanner ?? "",
    `${s.signal === "BULLISH" ? "▲" : "▼"} ${s.signal}`,
    String(s.confidence),
    s.price === undefined ? "" : s.price.toFixed(2),
    s.signal_id ?? "",
  ]);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => {
      const width = widths[i]!;
      return RIGHT_ALIGNED.has(COLUMNS[i]!) ? cell.padStart(width) : cell.padEnd(width);
    }).join("  ").trimEnd();
  return [title, line(COLUMNS), ...rows.map(line)].join("\n");
}
