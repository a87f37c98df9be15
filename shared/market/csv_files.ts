/** Reads daily bars from a CSV file or a directory of them (one file per ticker, or a ticker column). */
import type { Bar } from "./bar.ts";
import { type DataProblem, parseCsvBars } from "./csv_bars.ts";

/** Bars grouped by ticker (dates increasing), the files read, and every skipped row. */
export interface CsvMarketData {
  bars: Map<string, Bar[]>;
  files: string[];
  problems: DataProblem[];
}

/**
 * Reads `path`: one `.csv` file, or every `.csv` file directly in a directory (in name order).
 * Throws only when `path` itself cannot be read; bad rows and unreadable files inside a directory
 * become problems. A ticker found in a second file keeps the bars of the first. `fileTicker`
 * names the ticker of a single file without a ticker column (default: the file name's stem).
 */
export async function readCsvBars(
  path: string,
  options: { fileTicker?: string } = {},
): Promise<CsvMarketData> {
  const info = await Deno.stat(path).catch((cause) => {
    throw new Error(`Cannot read market data "${path}": ${(cause as Error).message}`, { cause });
  });
  const files = info.isDirectory ? await csvFilesIn(path) : [path];
  const bars = new Map<string, Bar[]>();
  const problems: DataProblem[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (cause) {
      if (!info.isDirectory) {
        throw new Error(`Cannot read market data "${file}": ${(cause as Error).message}`, {
          cause,
        });
      }
      problems.push({ file, line: 0, message: `cannot read file: ${(cause as Error).message}` });
      continue;
    }
    const parsed = parseCsvBars(text, {
      file,
      ...!info.isDirectory && options.fileTicker !== undefined && { ticker: options.fileTicker },
    });
    problems.push(...parsed.problems);
    for (const [ticker, tickerBars] of Map.groupBy(parsed.bars, (bar) => bar.ticker)) {
      if (bars.has(ticker)) {
        problems.push({
          file,
          line: 0,
          message:
            `ticker "${ticker}" was already read from another file; its bars here are skipped`,
        });
      } else {
        bars.set(ticker, tickerBars);
      }
    }
  }
  return { bars, files, problems };
}

async function csvFilesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.toLowerCase().endsWith(".csv")) names.push(entry.name);
  }
  return names.sort().map((name) => `${dir.replace(/\/$/, "")}/${name}`);
}
