/** The one check every indicator makes on its window lengths. */

/** Throws a RangeError unless `period` is a whole number ≥ 1. */
export function checkPeriod(indicator: string, period: number, name = "period"): void {
  if (!Number.isInteger(period) || period < 1) {
    throw new RangeError(
      `Cannot compute ${indicator}: ${name} "${period}" must be a whole number of at least 1`,
    );
  }
}
