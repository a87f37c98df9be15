/** Where a series changes sign: the shared rule of every crossing scanner. */

/** A sign change at `index`: +1 from negative to positive, −1 from positive to negative. */
export interface Crossing {
  index: number;
  direction: 1 | -1;
}

/**
 * The indices where the sign of `series` changes (e.g. SMA50 − SMA200, RSI − 30). The first
 * non-zero sign is the initial state, not a crossing; nulls and exact zeros keep the last sign,
 * so a touch that turns back is not a crossing.
 */
export function crossings(series: readonly (number | null)[]): Crossing[] {
  const out: Crossing[] = [];
  let last = 0;
  for (let i = 0; i < series.length; i++) {
    const value = series[i];
    if (value == null || value === 0 || Number.isNaN(value)) continue;
    const sign = value > 0 ? 1 : -1;
    if (last !== 0 && sign !== last) out.push({ index: i, direction: sign });
    last = sign;
  }
  return out;
}
