/** The command line of `deno task signals`, parsed and checked. */
import { parseArgs } from "node:util";
import type { PriceColumn } from "../../shared/market/bar.ts";
import { tickerSchema } from "../../shared/schemas/ticker.ts";
import { selectScanners } from "./scanners/registry.ts";
import type { Scanner } from "./scanners/scanner.ts";

/** How to run the command. */
export const REPLAY_USAGE = `Usage: deno task signals replay <csv-file-or-dir> [options]

Scans daily bars offline and prints one JSON object per signal and line.

Options:
  --price-column close|adj_close   price the scanners read (default close)
  --scanners a,b,...               golden_cross,death_cross,rsi,macd,bollinger (default all)
  --ticker T                       only this ticker
  --publish                        send the signals to Kafka (KAFKA_*) instead of printing them`;

/** A parsed `replay` command. */
export interface ReplayCommand {
  path: string;
  priceColumn: PriceColumn;
  scanners: Scanner[];
  ticker?: string;
  publish: boolean;
}

/** Parses `args` (Deno.args); throws an Error whose message says what is wrong. */
export function parseReplayArgs(args: readonly string[]): ReplayCommand {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      "price-column": { type: "string", default: "close" },
      scanners: { type: "string", default: "golden_cross,death_cross,rsi,macd,bollinger" },
      ticker: { type: "string" },
      publish: { type: "boolean", default: false },
    },
  });
  const [command, path, ...extra] = positionals;
  if (command !== "replay") {
    throw new Error(command ? `Unknown command "${command}"` : "Missing command");
  }
  if (!path) throw new Error("Missing <csv-file-or-dir>");
  if (extra.length > 0) throw new Error(`Unexpected argument "${extra[0]}"`);
  const priceColumn = values["price-column"];
  if (priceColumn !== "close" && priceColumn !== "adj_close") {
    throw new Error(`Invalid --price-column "${priceColumn}": must be close or adj_close`);
  }
  const scanners = selectScanners(values.scanners.split(",").map((s) => s.trim()).filter(Boolean));
  const result: ReplayCommand = { path, priceColumn, scanners, publish: values.publish };
  if (values.ticker !== undefined) {
    const ticker = tickerSchema.safeParse(values.ticker);
    if (!ticker.success) {
      throw new Error(`Invalid --ticker "${values.ticker}": ${ticker.error.issues[0]?.message}`);
    }
    result.ticker = ticker.data;
  }
  return result;
}
