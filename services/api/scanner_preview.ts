/** A scanner's preview: the dates its expression fires on the stored bars (JSON API and web app). */
import type { Sql } from "../../shared/db.ts";
import {
  compileExpression,
  evaluateExpression,
} from "../../shared/expressions/scanner_expression.ts";
import { readBars } from "../../shared/market/bars_store.ts";
import type { UserScanner } from "../../shared/schemas/user_scanner.ts";

/** Most stored bars a preview reads per ticker (the latest ones). */
export const PREVIEW_MAX_BARS = 5000;

/** One day the scanner would have fired. */
export interface PreviewFire {
  ticker: string;
  date: string;
  price: number;
}

/** Bars scanned (all tickers) and every fire, oldest first per ticker, in the scanner's order. */
export async function previewScanner(
  sql: Sql,
  scanner: Pick<UserScanner, "expression" | "tickers">,
): Promise<{ bars: number; fires: PreviewFire[] }> {
  const expression = compileExpression(scanner.expression);
  let bars = 0;
  const fires: PreviewFire[] = [];
  for (const ticker of scanner.tickers) {
    const series = await readBars(sql, ticker, { limit: PREVIEW_MAX_BARS });
    bars += series.length;
    evaluateExpression(expression, series).forEach((fired, i) => {
      const bar = series[i]!;
      if (fired) fires.push({ ticker, date: bar.date, price: bar.close });
    });
  }
  return { bars, fires };
}
