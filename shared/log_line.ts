/**
 * The console view for people: one line per event, `12:01:03 signal AAPL BULLISH 85 golden_cross`.
 * Properties that the message does not name stay out of the line (JSON lines keep all of them);
 * warnings and errors carry their level, and numbers are rounded to what a person reads.
 */
import type { LogRecord } from "@logtape/logtape";

/** Options of {@linkcode formatLogLine}. */
export interface LogLineOptions {
  /** Prefix the line with the logger's last category (for a service run alone); default true. */
  category?: boolean;
  /** ANSI colours for the level and dim time; default false. */
  color?: boolean;
}

const LEVELS: Partial<Record<LogRecord["level"], [label: string, color: number]>> = {
  warning: ["WARN", 33],
  error: ["ERROR", 31],
  fatal: ["FATAL", 31],
  debug: ["debug", 90],
  trace: ["trace", 90],
};

/** One line (with the newline) for `record`. */
export function formatLogLine(record: LogRecord, options: LogLineOptions = {}): string {
  const paint = (code: number, text: string) =>
    options.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  const parts = [paint(90, clock(record.timestamp))];
  const level = LEVELS[record.level];
  if (level) parts.push(paint(level[1], level[0]));
  if (options.category ?? true) parts.push(record.category.at(-1) ?? "");
  parts.push(record.message.map((part, i) => i % 2 === 0 ? part : readable(part)).join(""));
  return `${parts.filter((p) => p !== "").join(" ").replaceAll(/\s*\n\s*/g, " ")}\n`;
}

/** A value as a person reads it: strings bare, numbers rounded, objects as short JSON. */
export function readable(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return roundForPeople(value);
  if (value instanceof Error) return value.message;
  if (value === null || value === undefined) return String(value);
  if (typeof value !== "object") return String(value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

/** 0.0058541709999999515 → "0.00585", 1234.5678 → "1235", 12.3456 → "12.35". */
export function roundForPeople(n: number): string {
  if (!Number.isFinite(n) || Number.isInteger(n)) return String(n);
  const magnitude = Math.abs(n);
  if (magnitude >= 100) return String(Math.round(n));
  if (magnitude >= 1) return String(Number(n.toFixed(2)));
  return String(Number(n.toPrecision(3)));
}

function clock(timestamp: number): string {
  const d = new Date(timestamp);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((v) => String(v).padStart(2, "0"))
    .join(":");
}
