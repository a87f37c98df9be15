/**
 * `deno task backtest --pipeline FILE.json --csv FILE_OR_DIR [...]`: runs a pipeline over
 * historical daily bars with the live code and prints one JSON object (stdout); skipped rows and
 * a one-line summary go to stderr.
 */
import { getLogger } from "@logtape/logtape";
import { agentRegistry } from "../../shared/agents/registry.ts";
import { errorMessage } from "../../shared/errors.ts";
import { scannerRegistry } from "../signal_generator/scanners/registry.ts";
import { BACKTEST_USAGE, type BacktestCommand, parseBacktestArgs } from "./backtest_args.ts";
import { readBacktestBars, readPipelineFile } from "./load_backtest.ts";
import { runBacktest } from "./run_backtest.ts";

let command: BacktestCommand;
try {
  command = parseBacktestArgs(Deno.args);
} catch (error) {
  console.error(`${errorMessage(error)}\n\n${BACKTEST_USAGE}`);
  Deno.exit(2);
}

try {
  const started = performance.now();
  const pipeline = await readPipelineFile(command.pipeline);
  const bars = await readBacktestBars(command.csv, command.ticker, console.error);
  if (command.ticker !== undefined) pipeline.scanner_tickers = [command.ticker];
  const result = await runBacktest({
    pipeline,
    bars,
    priceColumn: command.priceColumn,
    ...command.from && { from: command.from },
    ...command.to && { to: command.to },
    ...command.cash && { cash: command.cash },
    scanners: [...scannerRegistry.values()],
    agents: agentRegistry,
    log: getLogger(["tickwire", "backtest"]),
  });
  console.log(JSON.stringify(result));
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.error(
    `${result.stats.trades} closed and ${result.stats.open_trades} open trades over ` +
      `${result.equity.length} days of ${result.tickers.length} ticker(s); total return ` +
      `${result.stats.total_return_pct} % (buy and hold ${result.stats.buy_and_hold_return_pct} %); ` +
      `${seconds} s`,
  );
} catch (error) {
  console.error(errorMessage(error));
  Deno.exitCode = 1;
}
