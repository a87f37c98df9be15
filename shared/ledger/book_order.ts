/**
 * Books a simulated market order in one transaction: the order, its fill, the position, the
 * account's cash and an equity snapshot all change together or not at all. An order carrying an
 * execution and step id is booked at most once: booking it again returns the first booking.
 */
import type { Sql } from "../db.ts";
import { ensureAccount, valueAccount } from "./accounts.ts";
import {
  applyFill,
  cashDelta,
  fillPrice,
  FLAT,
  orderFees,
  type Position,
  round,
  type Side,
} from "./position_math.ts";

/** What to book. */
export interface OrderRequest {
  owner_id: string;
  /** Account name; created on first use. */
  account: string;
  /** With `step_id`, the idempotency key; null for orders outside a run. */
  execution_id: string | null;
  step_id: string | null;
  signal_id: string | null;
  ticker: string;
  side: Side;
  quantity: number;
  /** The bar's price the order fills at before slippage. */
  price: number;
  bar_date: string | null;
  slippage_bps: number;
  fees: { fixed: number; bps: number };
  /** Whether a sell may exceed the long position (open or add to a short). */
  allow_short: boolean;
}

/** A booked order, as stored (numbers, not numeric strings). */
export interface PaperOrder {
  id: string;
  account_id: string;
  execution_id: string | null;
  step_id: string | null;
  signal_id: string | null;
  ticker: string;
  side: Side;
  quantity: number;
  requested_price: number;
  fill_price: number | null;
  fees: number;
  slippage_bps: number;
  status: "filled" | "rejected";
  reject_reason: string | null;
  bar_date: string | null;
  created_at: Date;
}

/** The booking, and whether it already existed (a retried run). */
export interface Booking {
  order: PaperOrder;
  replayed: boolean;
  /** The position after the order (before it, for a rejected or replayed order). */
  position: Position;
  /** Cash after the order. */
  cash: number;
}

/** Columns of an order as numbers. */
export const ORDER_COLUMNS = `id, account_id, execution_id, step_id, signal_id, ticker, side,
  quantity::float8 as quantity, requested_price::float8 as requested_price,
  fill_price::float8 as fill_price, fees::float8 as fees, slippage_bps::float8 as slippage_bps,
  status, reject_reason, to_char(bar_date, 'YYYY-MM-DD') as bar_date, created_at`;

/** Books `request`; a rejected order (no cash, no shorting) is booked too, with its reason. */
export function bookOrder(sql: Sql, request: OrderRequest): Promise<Booking> {
  return sql.begin(async (tx) => {
    const account = await ensureAccount(tx, request.owner_id, request.account, {
      forUpdate: true,
    });
    const [held] = await tx<Position[]>`
      select quantity::float8 as quantity, avg_price::float8 as avg_price,
        realised_pnl::float8 as realised_pnl
      from paper_positions where account_id = ${account.id} and ticker = ${request.ticker}
      for update`;
    const position = held ?? FLAT;
    if (request.execution_id !== null) {
      const [existing] = await tx<PaperOrder[]>`
        select ${tx.unsafe(ORDER_COLUMNS)} from paper_orders
        where execution_id = ${request.execution_id} and step_id = ${request.step_id}`;
      if (existing) return { order: existing, replayed: true, position, cash: account.cash };
    }

    const price = fillPrice(request.price, request.side, request.slippage_bps);
    const fees = orderFees(request.quantity * price, request.fees);
    const cash = round(account.cash + cashDelta({ ...request, price, fees }));
    const reason = rejectReason(request, position, account.cash, cash);
    const [order] = await tx<PaperOrder[]>`
      insert into paper_orders (account_id, execution_id, step_id, signal_id, ticker, side,
        quantity, requested_price, fill_price, fees, slippage_bps, status, reject_reason, bar_date)
      values (${account.id}, ${request.execution_id}, ${request.step_id}, ${request.signal_id},
        ${request.ticker}, ${request.side}, ${request.quantity}, ${request.price},
        ${reason ? null : price}, ${reason ? 0 : fees}, ${request.slippage_bps},
        ${reason ? "rejected" : "filled"}, ${reason}, ${request.bar_date})
      returning ${tx.unsafe(ORDER_COLUMNS)}`;
    if (reason) return { order: order!, replayed: false, position, cash: account.cash };

    const { position: after, realised } = applyFill(position, { ...request, price });
    await tx`
      insert into paper_fills (order_id, account_id, ticker, side, quantity, price, fees,
        realised_pnl)
      values (${order!.id}, ${account.id}, ${request.ticker}, ${request.side},
        ${request.quantity}, ${price}, ${fees}, ${realised})`;
    await tx`
      insert into paper_positions (account_id, ticker, quantity, avg_price, realised_pnl,
        fees_paid)
      values (${account.id}, ${request.ticker}, ${after.quantity}, ${after.avg_price},
        ${after.realised_pnl}, ${fees})
      on conflict (account_id, ticker) do update set
        quantity = excluded.quantity, avg_price = excluded.avg_price,
        realised_pnl = excluded.realised_pnl,
        fees_paid = paper_positions.fees_paid + excluded.fees_paid, updated_at = now()`;
    await tx`update paper_accounts set cash = ${cash} where id = ${account.id}`;
    const valuation = await valueAccount(tx, { id: account.id, cash }, {
      [request.ticker]: request.price,
    });
    await tx`
      insert into paper_equity_snapshots (account_id, equity, cash)
      values (${account.id}, ${valuation.equity}, ${cash})`;
    return { order: order!, replayed: false, position: after, cash };
  }) as Promise<Booking>;
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
