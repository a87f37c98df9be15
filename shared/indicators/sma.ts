/** Simple moving average. */
import { checkPeriod } from "./period.ts";

/** Mean of the last `period` values at each index; null until `period` values exist. */
export function sma(values: readonly number[], period: number): (number | null)[] {
  checkPeriod("SMA", period);
  const out: (number | null)[] = new Array(values.length).fill(null);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= period) sum -= values[i - period]!;
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}
