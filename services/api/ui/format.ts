/** How the pages write times, durations and numbers. Pure. */

/** "3 s ago", "5 min ago", "2 h ago", or the date; "" for null. */
export function ago(at: Date | null, now: Date): string {
  if (!at) return "";
  const s = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return at.toISOString().slice(0, 10);
}

/** A duration in ms as "12 ms", "1.4 s" or "2 min 5 s"; "" when an end is missing. */
export function duration(from: Date | null, to: Date | null): string {
  if (!from || !to) return "";
  const ms = to.getTime() - from.getTime();
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A timestamp as "YYYY-MM-DD HH:MM:SS.mmm" UTC; "" for null. */
export function timestamp(at: Date | null): string {
  return at ? at.toISOString().replace("T", " ").replace("Z", "") : "";
}
