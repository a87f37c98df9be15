/** The command line of `deno task signals`, parsed and checked. */
import { parseArgs } from "node:util";
import type { PriceColumn } from "../../shared/market/bar.ts";
import { tickerSchema } from "../../shared/schemas/ticker.ts";
import { compileExpression } from "../../shared/expressions/scanner_expression.ts";
import { SCANNER_NAMES, SIGNAL_TYPES, type SignalType } from "../../shared/schemas/signal.ts";
import { expressionScanner } from "./scanners/expression_scanner.ts";
import { selectScanners } from "./scanners/registry.ts";
import type { Scanner } from "./scanners/scanner.ts";

/** How to run the command. */
export const REPLAY_USAGE = `Usage: deno task signals replay <csv-file-or-dir> [options]

Scans daily bars offline and prints one JSON object per signal and line.

Options:
  --price-column close|adj_close   price the scanners read (default close)
  --scanners a,b,...               golden_cross,death_cross,rsi,macd,bollinger (default all)
  --expression "EXPR"              instead of --scanners: an expression scanner, e.g.
                                   "crossover(sma(close, 50), sma(close, 200))"
  --direction BULLISH|BEARISH      what the expression fires (default BULLISH)
  --confidence N                   the expression's confidence, 0-100 (default 50)
  --name NAME                      the expression's scanner name (default expression)
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
      scanners: { type: "string" },
      expression: { type: "string" },
      direction: { type: "string", default: "BULLISH" },
      confidence: { type: "string", default: "50" },
      name: { type: "string", default: "expression" },
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
  const scanners = values.expression === undefined
    ? selectScanners(
      (values.scanners ?? SCANNER_NAMES.join(",")).split(",").map((s) => s.trim()).filter(Boolean),
    )
    : [expressionOf(values, priceColumn)];
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

/** The scanner of `--expression` and its options; throws naming the bad option. */
function expressionOf(
  values: {
    expression?: string;
    scanners?: string;
    direction: string;
    confidence: string;
    name: string;
  },
  priceColumn: PriceColumn,
): Scanner {
  if (values.scanners !== undefined) {
    throw new Error("Give --expression or --scanners, not both");
  }
  const direction = values.direction.toUpperCase();
  if (!(SIGNAL_TYPES as readonly string[]).includes(direction)) {
    throw new Error(`Invalid --direction "${values.direction}": must be BULLISH or BEARISH`);
  }
  const confidence = Number(values.confidence);
  if (!(confidence >= 0 && confidence <= 100)) {
    throw new Error(`Invalid --confidence "${values.confidence}": must be a number from 0 to 100`);
  }
  if (!/^[a-z0-9_-]{1,64}$/i.test(values.name)) {
    throw new Error(`Invalid --name "${values.name}": letters, digits, _ and -, at most 64`);
  }
  return expressionScanner({
    name: values.name,
    expression: compileExpression(values.expression!),
    direction: direction as SignalType,
    confidence,
    priceColumn,
  });
}
