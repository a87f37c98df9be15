/**
 * Paper-trading arithmetic, pure: average-cost positions, realised P&L when a fill reduces,
 * closes or flips a position, unrealised P&L at a mark price, slippage and fees. Results are
 * rounded to {@linkcode DECIMALS} places so that what is stored (numeric) is what was computed.
 */

/** Places kept for prices, quantities and money. */
export const DECIMALS = 8;

/** Buy or sell. */
export type Side = "buy" | "sell";

/** A position: signed quantity (negative is short), average entry price, realised price P&L. */
export interface Position {
  quantity: number;
  avg_price: number;
  realised_pnl: number;
}

/** A flat position. */
export const FLAT: Position = { quantity: 0, avg_price: 0, realised_pnl: 0 };

/** What a fill did to a position. */
export interface FillEffect {
  position: Position;
  /** Price P&L this fill realised (fees excluded). */
  realised: number;
}

/** Rounds to {@linkcode DECIMALS} places (half away from zero). */
export function round(value: number, decimals = DECIMALS): number {
  const factor = 10 ** decimals;
  const rounded = Math.sign(value) * Math.round(Math.abs(value) * factor) / factor;
  return rounded === 0 ? 0 : rounded;
}

/**
 * Applies a fill at average cost: adding to a position re-averages its price; an opposite fill
 * realises `(price - avg) × closed quantity` (sign-adjusted for shorts), and any quantity beyond
 * the position opens the other side at the fill price.
 */
export function applyFill(
  position: Position,
  fill: { side: Side; quantity: number; price: number },
): FillEffect {
  if (!(fill.quantity > 0)) throw new RangeError(`Fill quantity ${fill.quantity} must be > 0`);
  if (!(fill.price > 0)) throw new RangeError(`Fill price ${fill.price} must be > 0`);
  const direction = fill.side === "buy" ? 1 : -1;
  const held = position.quantity;
  if (held === 0 || Math.sign(held) === direction) {
    const quantity = round(held + direction * fill.quantity);
    const cost = Math.abs(held) * position.avg_price + fill.quantity * fill.price;
    return {
      position: { ...position, quantity, avg_price: round(cost / Math.abs(quantity)) },
      realised: 0,
    };
  }
  const closed = Math.min(Math.abs(held), fill.quantity);
  const realised = round(closed * (fill.price - position.avg_price) * Math.sign(held));
  const quantity = round(held + direction * fill.quantity);
  const avg_price = quantity === 0
    ? 0
    : Math.sign(quantity) === Math.sign(held)
    ? position.avg_price
    : fill.price;
  return {
    position: { quantity, avg_price, realised_pnl: round(position.realised_pnl + realised) },
    realised,
  };
}

/** Unrealised price P&L of a position at `mark`. */
export function unrealisedPnl(position: Position, mark: number): number {
  return round(position.quantity * (mark - position.avg_price));
}

/** The price a market order fills at: `price` moved against the trader by `slippageBps`. */
export function fillPrice(price: number, side: Side, slippageBps: number): number {
  const direction = side === "buy" ? 1 : -1;
  return round(price * (1 + direction * slippageBps / 10_000));
}

/** Fees of a fill: a fixed amount per order plus `bps` of the notional. */
export function orderFees(notional: number, fees: { fixed: number; bps: number }): number {
  return round(fees.fixed + Math.abs(notional) * fees.bps / 10_000);
}

/** Cash change of a fill: buys pay notional and fees, sells receive notional less fees. */
export function cashDelta(fill: { side: Side; quantity: number; price: number; fees: number }) {
  const notional = fill.quantity * fill.price;
  return round((fill.side === "buy" ? -notional : notional) - fill.fees);
}
