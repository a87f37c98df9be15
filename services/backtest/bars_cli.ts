/**
 * `deno task bars import FILE_OR_DIR [--ticker T]`: stores daily bars from CSV in `market_bars`
 * (an upsert: a bar already stored is replaced), for agents, the bar consumer and API backtests.
 */
import { parseArgs } from "node:util";
import { parseConfig } from "../../shared/config.ts";
import { connectPostgres } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import { writeBars } from "../../shared/market/bars_store.ts";
import { exitOnConfigError } from "../../shared/process.ts";
import { tickerSchema } from "../../shared/schemas/ticker.ts";
import { readBacktestBars } from "./load_backtest.ts";

const USAGE = `Usage: deno task bars import FILE_OR_DIR [--ticker T]

Stores daily bars (Yahoo-format CSV, one file per ticker or a ticker column) in market_bars.
  --ticker T   only T (a single CSV without a ticker column is read as T)`;

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: { ticker: { type: "string" } },
});
const [command, path, ...extra] = positionals;
if (command !== "import" || !path || extra.length > 0) {
  console.error(USAGE);
  Deno.exit(2);
}
const ticker = values.ticker === undefined ? undefined : tickerSchema.safeParse(values.ticker);
if (ticker && !ticker.success) {
  console.error(`Invalid --ticker "${values.ticker}": ${ticker.error.issues[0]?.message}`);
  Deno.exit(2);
}

const config = exitOnConfigError(() => parseConfig(Deno.env.toObject()));
const sql = connectPostgres(config.databaseUrl, { max: 1, applicationName: "tickwire-bars" });
try {
  const bars = await readBacktestBars(path, ticker?.data, console.error);
  let count = 0;
  for (const series of bars.values()) count += await writeBars(sql, series);
  console.error(`Stored ${count} bars of ${bars.size} ticker(s) in market_bars`);
} catch (error) {
  console.error(errorMessage(error));
  Deno.exitCode = 1;
} finally {
  await sql.end({ timeout: 1 });
}
