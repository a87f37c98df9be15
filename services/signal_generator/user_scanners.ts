/**
 * Users' expression scanners in the generator: the active ones are loaded from Postgres, again on
 * every change the scanner store announces (followChanges, as the dispatcher and the scheduler
 * follow pipelines) and every refresh period besides, and run on each live day's bars next to
 * the built-ins. What they find is private: owned by the scanner's user, from
 * the source `scanner:<id>`, with ids `scanner:<id>:<ticker>:<date>` (a replay repeats them), and
 * signed with the intake key so the dispatcher trusts the scope.
 */
import type { Sql } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import { followChanges } from "../../shared/follow_changes.ts";
import { compileExpression } from "../../shared/expressions/scanner_expression.ts";
import { createScannerStore } from "../../shared/expressions/user_scanner_store.ts";
import type { Logger } from "../../shared/logging.ts";
import type { Bar, PriceColumn } from "../../shared/market/bar.ts";
import { SCANNER_CHANGES_CHANNEL } from "../../shared/names.ts";
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
 * traded, over that ticker's history (oldest first), firing on the day's own bar; the expression
 * is evaluated on that bar only (evaluateTail), so a window function costs its period once a day.
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
  /** How often the active scanners are read again besides on changes; default 10 s. */
  refreshMs?: number;
}

/**
 * Loads the active scanners (and the intake's signing key) now, on every announced change, and
 * every `refreshMs` until `signal` aborts; `current()` gives the latest set. A scanner that no
 * longer compiles is left out with a warning; without Postgres the last set (at first none)
 * stays, and changes are followed from the first load that succeeds.
 */
export async function watchUserScanners(
  options: WatchUserScannersOptions,
  signal: AbortSignal,
): Promise<{ current(): readonly LoadedUserScanner[]; signingKey(): Uint8Array | null }> {
  const { sql, log } = options;
  const store = createScannerStore(sql);
  let current: LoadedUserScanner[] = [];
  let signingKey: Uint8Array | null = null;
  const load = async () => {
    signingKey ??= (await loadIntakeKeys(sql)).signing;
    const loaded: LoadedUserScanner[] = [];
    for (const row of await store.active()) {
      try {
        loaded.push(loadUserScanner(row, options.priceColumn));
      } catch (error) {
        log.warn("User scanner {id} left out: {error}", { id: row.id, error: errorMessage(error) });
      }
    }
    current = loaded;
  };
  // One load at a time; changes heard during a load make one more (the set is small).
  let loading: Promise<void> | null = null;
  let again = false;
  const reload = (): Promise<void> => {
    if (loading) {
      again = true;
      return loading;
    }
    loading = (async () => {
      do {
        again = false;
        await load().then(
          startFollowing,
          (error) =>
            log.warn("Cannot load user scanners, keeping the last set: {error}", {
              error: errorMessage(error),
            }),
        );
      } while (again && !signal.aborted);
      loading = null;
    })();
    return loading;
  };
  // Started once Postgres answered (a LISTEN that failed to connect is not retried by the
  // driver); a change between the load and the LISTEN is caught by the next refresh.
  let following = false;
  async function startFollowing() {
    if (following || signal.aborted) return;
    following = true;
    try {
      await followChanges(sql, SCANNER_CHANGES_CHANNEL, {
        onChange: () => void reload(),
        onResync: () => void reload(),
      }, { signal, log });
    } catch (error) {
      log.warn("Cannot follow user scanner changes; reading them every refresh: {error}", {
        error: errorMessage(error),
      });
    }
  }
  await reload();
  const timer = setInterval(reload, options.refreshMs ?? 10_000);
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  return { current: () => current, signingKey: () => signingKey };
}
