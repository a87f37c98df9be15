/** The scanners by name, with their default settings, and selection from a config list. */
import { SCANNER_NAMES } from "../../../shared/schemas/signal.ts";
import { bollingerScanner } from "./bollinger_breakout.ts";
import { macdScanner } from "./macd_cross.ts";
import { deathCrossScanner, goldenCrossScanner } from "./moving_average_cross.ts";
import { rsiScanner } from "./rsi_cross.ts";
import type { Scanner, ScannerName } from "./scanner.ts";

/** Every scanner with its default periods, keyed by name. */
export const scannerRegistry: ReadonlyMap<ScannerName, Scanner> = new Map(
  [
    goldenCrossScanner(),
    deathCrossScanner(),
    rsiScanner(),
    macdScanner(),
    bollingerScanner(),
  ].map((s) => [s.name as ScannerName, s]),
);

/** The scanners named in `names` (SIGNAL_SCANNERS or --scanners); throws on an unknown name. */
export function selectScanners(names: readonly string[]): Scanner[] {
  if (names.length === 0) throw new Error("Cannot select scanners: the list is empty");
  return [...new Set(names)].map((name) => {
    const scanner = scannerRegistry.get(name as ScannerName);
    if (!scanner) {
      throw new Error(
        `Unknown scanner "${name}": expected one of ${SCANNER_NAMES.join(", ")}`,
      );
    }
    return scanner;
  });
}
