/**
 * Daily bars from CSV text in the common Yahoo layout (`Date,Open,High,Low,Close,Adj Close,Volume`),
 * with header names matched case- and separator-insensitively (`adj_close`, `adjclose`, `Adj Close`)
 * and an optional `ticker` or `symbol` column. Bad rows are reported with file and line, and skipped.
 */
import { tickerSchema } from "../schemas/ticker.ts";
import type { Bar } from "./bar.ts";

/** A row that could not be used, where it is, and why. */
export interface DataProblem {
  file: string;
  /** 1-based line number (the header is line 1). */
  line: number;
  message: string;
}

/** Bars in file order (dates increasing per ticker) and the rows that were skipped. */
export interface ParsedBars {
  bars: Bar[];
  problems: DataProblem[];
}

/** Options of {@linkcode parseCsvBars}. */
export interface CsvBarsOptions {
  /** File name used in problems and, without a ticker column, for the ticker (`AAPL.csv`). */
  file: string;
  /** Ticker of a file without a ticker column; default the file name's stem, upper-cased. */
  ticker?: string;
}

const PRICE_FIELDS = ["open", "high", "low", "close", "adj_close"] as const;
const COLUMN_NAMES: Record<string, keyof Bar> = {
  date: "date",
  open: "open",
  high: "high",
  low: "low",
  close: "close",
  adjclose: "adj_close",
  volume: "volume",
  ticker: "ticker",
  symbol: "ticker",
};

/** `2024-03-01` format of a bar date. */
export const BAR_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Formats a problem as `file:line: message`, the way compilers do. */
export function formatProblem(problem: DataProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

/** Parses CSV text into validated bars; never throws on bad data. */
export function parseCsvBars(text: string, options: CsvBarsOptions): ParsedBars {
  const { file } = options;
  const problems: DataProblem[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = splitRow(lines[0] ?? "").map((h) => h.toLowerCase().replace(/[\s_]/g, ""));
  const columns = new Map<keyof Bar, number>();
  header.forEach((name, i) => {
    const field = COLUMN_NAMES[name];
    if (field && !columns.has(field)) columns.set(field, i);
  });
  const missing = (["date", "close"] as const).filter((c) => !columns.has(c));
  if (missing.length > 0) {
    const message = `Cannot read bars: column ${missing.map((c) => `"${c}"`).join(" and ")} ` +
      `is missing from header "${lines[0] ?? ""}"`;
    return { bars: [], problems: [{ file, line: 1, message }] };
  }
  const fileTicker = options.ticker ?? file.split(/[\\/]/).at(-1)!.replace(/\.[^.]*$/, "");
  const lastDate = new Map<string, string>();
  const bars: Bar[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "") continue;
    const row = readRow(splitRow(raw), columns, header.length, fileTicker);
    if (typeof row === "string") {
      problems.push({ file, line: i + 1, message: row });
      continue;
    }
    const previous = lastDate.get(row.ticker);
    if (previous !== undefined && row.date <= previous) {
      problems.push({
        file,
        line: i + 1,
        message:
          `date "${row.date}" of ${row.ticker} is not after the previous bar's "${previous}"`,
      });
      continue;
    }
    lastDate.set(row.ticker, row.date);
    bars.push(row);
  }
  return { bars, problems };
}

/** One row as a bar, or the reason it is not one. */
function readRow(
  fields: string[],
  columns: Map<keyof Bar, number>,
  width: number,
  fileTicker: string,
): Bar | string {
  if (fields.length !== width) return `expected ${width} fields, found ${fields.length}`;
  const at = (field: keyof Bar) => {
    const i = columns.get(field);
    return i === undefined ? undefined : fields[i];
  };
  const rawTicker = at("ticker") ?? fileTicker;
  const ticker = tickerSchema.safeParse(rawTicker);
  if (!ticker.success) return `ticker "${rawTicker}" ${ticker.error.issues[0]?.message}`;
  const date = at("date")!;
  if (!isCalendarDate(date)) return `field "date" is "${date}": must be a date YYYY-MM-DD`;
  const close = at("close")!;
  const prices: Partial<Record<(typeof PRICE_FIELDS)[number], number>> = {};
  for (const field of PRICE_FIELDS) {
    const text = at(field) ?? close;
    const value = Number(text);
    if (text === "" || !Number.isFinite(value) || value <= 0) {
      return `field "${field}" is "${text}": must be a positive number`;
    }
    prices[field] = value;
  }
  const volumeText = at("volume") ?? "0";
  const volume = volumeText === "" ? 0 : Number(volumeText);
  if (!Number.isFinite(volume) || volume < 0) {
    return `field "volume" is "${volumeText}": must be a number of at least 0`;
  }
  return { ticker: ticker.data, date, ...(prices as Record<keyof typeof prices, number>), volume };
}

function splitRow(line: string): string[] {
  return line.split(",").map((f) => f.trim().replace(/^"(.*)"$/, "$1"));
}

function isCalendarDate(text: string): boolean {
  if (!BAR_DATE_PATTERN.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}
