/**
 * A periodic one-line summary per service for the console, e.g.
 * `summary: signals 1 200 (40/s), batches 30, claimed 900, skipped 300, lag 0`, built from the
 * service's own metrics so the line and /metrics never disagree.
 */
import type { Logger } from "@logtape/logtape";
import { sleep } from "./sleep.ts";

/** One figure of the summary. */
export interface SummaryFigure {
  label: string;
  /** A counter's total, or a gauge's current value. */
  read: () => number;
  /** "count" (default): the increase since the last line, plus a rate when `rate` is set. */
  kind?: "count" | "gauge";
  /** Show the increase per second too. */
  rate?: boolean;
}

/** The summary text for the increases between two readings taken `seconds` apart. */
export function summaryLine(
  figures: SummaryFigure[],
  before: number[],
  now: number[],
  seconds: number,
): string {
  return figures.map((f, i) => {
    const value = f.kind === "gauge" ? now[i]! : now[i]! - (before[i] ?? 0);
    const rate = f.rate && seconds > 0 ? ` (${Math.round(value / seconds)}/s)` : "";
    return `${f.label} ${Math.round(value)}${rate}`;
  }).join(", ");
}

/** Logs {@linkcode summaryLine} every `everySeconds` (0 disables) until `signal` aborts. */
export async function logSummaries(
  log: Logger,
  figures: SummaryFigure[],
  options: { everySeconds: number; signal: AbortSignal },
): Promise<void> {
  if (options.everySeconds <= 0) return;
  let before = figures.map((f) => f.read());
  let at = performance.now();
  while (!options.signal.aborted) {
    await sleep(options.everySeconds * 1000, options.signal);
    if (options.signal.aborted) return;
    const now = figures.map((f) => f.read());
    const seconds = (performance.now() - at) / 1000;
    log.info("summary: {summary}", { summary: summaryLine(figures, before, now, seconds) });
    [before, at] = [now, performance.now()];
  }
}
