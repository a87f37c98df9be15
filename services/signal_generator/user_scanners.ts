/**
 * Users' expression scanners in the generator: the active ones are loaded from Postgres (again
 * every refresh period, so a new or paused scanner takes effect within it) and run on each live
 * day's bars next to the built-ins. What they find is private: owned by the scanner's user, from
 * the source `scanner:<id>`, with ids `scanner:<id>:<ticker>:<date>` (a replay repeats them), and
 * signed with the intake key so the dispatcher trusts the scope.
 */
import type { Sql } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import { compileExpression } from "../../shared/expressions/scanner_expression.ts";
import { createScannerStore } from "../../shared/expressions/user_scanner_store.ts";
import type { Logger } from "../../shared/logging.ts";
import type { Bar, PriceColumn } from "../../shared/market/bar.ts";
import type { TickerSignal } from "../../shared/schemas/signal.ts";
import { scannerSource, type UserScanner } from "../../shared/schemas/user_scanner.ts";
import { loadIntakeKeys } from "../../shared/signals/intake_keys.ts";
import { signSignal } from "../../shared/signals/signal_scope.ts";
import { detectSignals } from "./detect_signals.ts";
import { expressionScanner } from "./scanners/expression_scanner.ts";
import type { Scanner } from "./scanners/scanner.ts";

/** A user's scanner, compiled. */
export interface LoadedUserScanner {
  id: string;
  ownerId: string;
  tickers: ReadonlySet<string>;
  scanner: Scanner;
}

/** Compiles a stored scanner; throws a SyntaxError when its expression no longer compiles. */
export function loadUserScanner(row: UserScanner, priceColumn: PriceColumn): LoadedUserScanner {
  return {
    id: row.id,
    ownerId: row.owner_id,
    tickers: new Set(row.tickers),
    scanner: expressionScanner({
      name: row.name,
      expression: compileExpression(row.expression),
      direction: row.direction,
      confidence: row.confidence,
      priceColumn,
    }),
  };
}

/**
 * The signed private signals of one live day: each user scanner on each of its tickers that
 * traded, over that ticker's history (oldest first), firing on the day's own bar.
 */
export function userScannerSignals(
  day: readonly Bar[],
  history: ReadonlyMap<string, readonly Bar[]>,
  scanners: readonly LoadedUserScanner[],
  options: { priceColumn: PriceColumn; signingKey: Uint8Array; emittedAt: string },
): TickerSignal[] {
  const signals: TickerSignal[] = [];
  for (const bar of day) {
    const series = history.get(bar.ticker);
    if (!series) continue;
    for (const user of scanners) {
      if (!user.tickers.has(bar.ticker)) continue;
      const source = scannerSource(user.id);
      const found = detectSignals(series, [user.scanner], {
        priceColumn: options.priceColumn,
        fromIndex: series.length - 1,
      });
      for (const s of found) {
        signals.push(signSignal({
          ...s,
          signal_id: `${source}:${s.ticker}:${s.bar_date}`,
          owner_id: user.ownerId,
          source,
          emitted_at: options.emittedAt,
        }, options.signingKey));
      }
    }
  }
  return signals;
}

/** Options of {@linkcode watchUserScanners}. */
export interface WatchUserScannersOptions {
  sql: Sql;
  log: Logger;
  priceColumn: PriceColumn;
  /** How often the active scanners are read again; default 10 s. */
  refreshMs?: number;
}

/**
 * Loads the active scanners (and the intake's signing key) now and every `refreshMs` until
 * `signal` aborts; `current()` gives the latest set. A scanner that no longer compiles is left
 * out with a warning; without Postgres the last set (at first none) stays.
 */
export async function watchUserScanners(
  options: WatchUserScannersOptions,
  signal: AbortSignal,
): Promise<{ current(): readonly LoadedUserScanner[]; signingKey(): Uint8Array | null }> {
  const store = createScannerStore(options.sql);
  let current: LoadedUserScanner[] = [];
  let signingKey: Uint8Array | null = null;
  const load = async () => {
    signingKey ??= (await loadIntakeKeys(options.sql)).signing;
    const loaded: LoadedUserScanner[] = [];
    for (const row of await store.active()) {
      try {
        loaded.push(loadUserScanner(row, options.priceColumn));
      } catch (error) {
        options.log.warn("User scanner {id} left out: {error}", {
          id: row.id,
          error: errorMessage(error),
        });
      }
    }
    current = loaded;
  };
  const reload = () =>
    load().catch((error) =>
      options.log.warn("Cannot load user scanners, keeping the last set: {error}", {
        error: errorMessage(error),
      })
    );
  await reload();
  const timer = setInterval(reload, options.refreshMs ?? 10_000);
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  return { current: () => current, signingKey: () => signingKey };
}
