/**
 * What an order does to an account, pure: the fill price after slippage, the fees, the cash and
 * position after it, the P&L it realises, the exits the position carries afterwards, or why it
 * is rejected. The Postgres ledger and the in-memory one (backtests) both book with this, so a
 * backtest's numbers are the live ledger's numbers.
 */
import { type ExitPlan, type ExitReason, type ExitState, hasExits, openExits } from "./exits.ts";
import {
  applyFill,
  cashDelta,
  fillPrice,
  orderFees,
  type Position,
  round,
  type Side,
} from "./position_math.ts";

/** Costs of a fill: slippage against the trade, and fees. */
export interface OrderCosts {
  slippage_bps: number;
  fees: { fixed: number; bps: number };
}

/** What to book. */
export interface OrderRequest extends OrderCosts {
  owner_id: string;
  /** Account name; created on first use. */
  account: string;
  /** With `step_id`, the idempotency key; null for orders outside a run (protective exits). */
  execution_id: string | null;
  step_id: string | null;
  signal_id: string | null;
  ticker: string;
  side: Side;
  quantity: number;
  /** The bar's price the order fills at before slippage. */
  price: number;
  bar_date: string | null;
  /** Whether a sell may exceed the long position (open or add to a short). */
  allow_short: boolean;
  /** Protective exits the position gets if this order opens it (from flat, or by flipping). */
  exits?: ExitPlan;
  /** Set when the order closes or reduces a position as an exit. */
  exit_reason?: ExitReason;
}

/** A position's protective exits, with the costs their fills pay (those of the entry). */
export interface PositionExits extends ExitState, OrderCosts {}

/** A position and the exits it carries (null: none). */
export interface HeldPosition {
  position: Position;
  exits: PositionExits | null;
}

/** The plan of one order. */
export type OrderPlan =
  | { status: "rejected"; reason: string }
  | {
    status: "filled";
    price: number;
    fees: number;
    cash: number;
    position: Position;
    realised: number;
    exits: PositionExits | null;
  };

/** Plans `request` against an account holding `cash` and `held` in the order's ticker. */
export function planOrder(request: OrderRequest, cash: number, held: HeldPosition): OrderPlan {
  const price = fillPrice(request.price, request.side, request.slippage_bps);
  const fees = orderFees(request.quantity * price, request.fees);
  const cashAfter = round(cash + cashDelta({ ...request, price, fees }));
  const reason = rejectReason(request, held.position, cash, cashAfter);
  if (reason) return { status: "rejected", reason };
  const { position, realised } = applyFill(held.position, { ...request, price });
  return {
    status: "filled",
    price,
    fees,
    cash: cashAfter,
    position,
    realised,
    exits: exitsAfter(request, held, position),
  };
}

/** Exits stay with a position while it keeps its side; a new or flipped one takes the order's. */
function exitsAfter(
  request: OrderRequest,
  held: HeldPosition,
  after: Position,
): PositionExits | null {
  if (after.quantity === 0) return null;
  const sameSide = Math.sign(after.quantity) === Math.sign(held.position.quantity);
  if (sameSide) return held.exits;
  if (!request.exits || !hasExits(request.exits)) return null;
  return {
    ...openExits(request.exits, request.price, request.bar_date ?? ""),
    slippage_bps: request.slippage_bps,
    fees: request.fees,
  };
}

function rejectReason(
  request: OrderRequest,
  position: Position,
  cashBefore: number,
  cashAfter: number,
): string | null {
  if (request.side === "buy" && cashAfter < 0) {
    return `insufficient cash: the order needs ${round(cashBefore - cashAfter)}, ` +
      `the account has ${cashBefore}`;
  }
  const longAfter = position.quantity - request.quantity;
  if (request.side === "sell" && !request.allow_short && longAfter < 0) {
    return `cannot sell ${request.quantity} ${request.ticker}: the account holds ` +
      `${position.quantity} and short selling is off`;
  }
  return null;
}
