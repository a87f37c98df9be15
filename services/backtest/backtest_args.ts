/** The command line of `deno task backtest`, parsed and checked. */
import { parseArgs } from "node:util";
import type { PriceColumn } from "../../shared/market/bar.ts";
import { tickerSchema } from "../../shared/schemas/ticker.ts";

/** How to run the command. */
export const BACKTEST_USAGE =
  `Usage: deno task backtest --pipeline FILE.json --csv FILE_OR_DIR [options]

Runs a pipeline (the body of POST /api/v1/pipelines) over daily bars with the live scanners,
matching, agents, ledger and exits, and prints one JSON object: trades, stats, equity.

Options:
  --ticker T                       trade only T (a single CSV without a ticker column is read as T);
                                   replaces the pipeline's scanner_tickers
  --price-column close|adj_close   price the scanners read (default close)
  --from YYYY-MM-DD, --to YYYY-MM-DD   days traded (earlier bars still feed the indicators)
  --cash N                         starting cash (default 100000)`;

/** A parsed `backtest` command. */
export interface BacktestCommand {
  pipeline: string;
  csv: string;
  ticker?: string;
  priceColumn: PriceColumn;
  from?: string;
  to?: string;
  cash?: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses `args` (Deno.args); throws an Error whose message says what is wrong. */
export function parseBacktestArgs(args: readonly string[]): BacktestCommand {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      pipeline: { type: "string" },
      csv: { type: "string" },
      ticker: { type: "string" },
      "price-column": { type: "string", default: "close" },
      from: { type: "string" },
      to: { type: "string" },
      cash: { type: "string" },
    },
  });
  if (positionals.length > 0) throw new Error(`Unexpected argument "${positionals[0]}"`);
  if (!values.pipeline) throw new Error("Missing --pipeline FILE.json");
  if (!values.csv) throw new Error("Missing --csv FILE_OR_DIR");
  const priceColumn = values["price-column"];
  if (priceColumn !== "close" && priceColumn !== "adj_close") {
    throw new Error(`Invalid --price-column "${priceColumn}": must be close or adj_close`);
  }
  const command: BacktestCommand = { pipeline: values.pipeline, csv: values.csv, priceColumn };
  for (const name of ["from", "to"] as const) {
    const value = values[name];
    if (value === undefined) continue;
    if (!DATE.test(value)) throw new Error(`Invalid --${name} "${value}": must be YYYY-MM-DD`);
    command[name] = value;
  }
  if (values.cash !== undefined) {
    const cash = Number(values.cash);
    if (!(cash > 0) || !Number.isFinite(cash)) {
      throw new Error(`Invalid --cash "${values.cash}": must be a number above 0`);
    }
    command.cash = cash;
  }
  if (values.ticker !== undefined) {
    const ticker = tickerSchema.safeParse(values.ticker);
    if (!ticker.success) {
      throw new Error(`Invalid --ticker "${values.ticker}": ${ticker.error.issues[0]?.message}`);
    }
    command.ticker = ticker.data;
  }
  return command;
}
