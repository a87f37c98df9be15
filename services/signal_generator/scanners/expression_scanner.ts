/** A scanner defined by an expression (shared/expressions): fires its direction where true. */
import type { PriceColumn } from "../../../shared/market/bar.ts";
import {
  type CompiledExpression,
  evaluateTail,
} from "../../../shared/expressions/scanner_expression.ts";
import type { SignalType } from "../../../shared/schemas/signal.ts";
import type { ScanHit, Scanner } from "./scanner.ts";

/** Options of {@linkcode expressionScanner}. */
export interface ExpressionScannerOptions {
  /** The scanner's name (the signals' `scanner`, and the start of their ids). */
  name: string;
  expression: CompiledExpression;
  direction: SignalType;
  /** Every hit's confidence, 0–100. */
  confidence: number;
  /** What `close` reads; default close. */
  priceColumn?: PriceColumn;
}

/** The scanner; each bar where the expression holds is a hit (from `fromIndex` on only). */
export function expressionScanner(options: ExpressionScannerOptions): Scanner {
  return {
    name: options.name,
    scan(_prices, bars, fromIndex = 0) {
      if (!bars) throw new TypeError(`Scanner "${options.name}" reads bars, but none were given`);
      const from = Math.max(0, fromIndex);
      const hits: ScanHit[] = [];
      const tail = evaluateTail(options.expression, bars, bars.length - from, options.priceColumn);
      tail.forEach((fires, i) => {
        if (!fires) return;
        hits.push({ index: from + i, signal: options.direction, confidence: options.confidence });
      });
      return hits;
    },
  };
}
