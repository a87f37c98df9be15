/**
 * Books a simulated market order in one transaction: the order, its fill, the position (with its
 * protective exits), the account's cash and an equity snapshot all change together or not at
 * all. An order carrying an execution and step id is booked at most once: booking it again
 * returns the first booking. The arithmetic is {@linkcode planOrder}'s.
 */
import type { Queryable, Sql } from "../db.ts";
import { ensureAccount, type PaperAccount, valueAccount } from "./accounts.ts";
import type { ExitReason } from "./exits.ts";
import {
  type HeldPosition,
  type OrderRequest,
  planOrder,
  type PositionExits,
} from "./order_plan.ts";
import { FLAT, type Position } from "./position_math.ts";

export type { OrderRequest } from "./order_plan.ts";

/** A booked order, as stored (numbers, not numeric strings). */
export interface PaperOrder extends
  Pick<
    OrderRequest,
    | "execution_id"
    | "step_id"
    | "signal_id"
    | "ticker"
    | "side"
    | "quantity"
    | "slippage_bps"
    | "bar_date"
  > {
  id: string;
  account_id: string;
  requested_price: number;
  fill_price: number | null;
  fees: number;
  status: "filled" | "rejected";
  reject_reason: string | null;
  exit_reason: ExitReason | null;
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
  status, reject_reason, exit_reason, to_char(bar_date, 'YYYY-MM-DD') as bar_date, created_at`;

/** Books `request`; a rejected order (no cash, no shorting) is booked too, with its reason. */
export function bookOrder(sql: Sql, request: OrderRequest): Promise<Booking> {
  return sql.begin(async (tx) => {
    const account = await ensureAccount(tx, request.owner_id, request.account, {
      forUpdate: true,
    });
    const held = await lockPosition(tx, account.id, request.ticker);
    if (request.execution_id !== null) {
      const [existing] = await tx<PaperOrder[]>`
        select ${tx.unsafe(ORDER_COLUMNS)} from paper_orders
        where execution_id = ${request.execution_id} and step_id = ${request.step_id}`;
      if (existing) {
        return { order: existing, replayed: true, position: held.position, cash: account.cash };
      }
    }
    return writeOrder(tx, account, held, request);
  }) as Promise<Booking>;
}

/** The position in `ticker` and its exits, locked until the transaction ends. */
export async function lockPosition(
  tx: Queryable,
  accountId: string,
  ticker: string,
): Promise<HeldPosition> {
  const [row] = await tx<(Position & { exits: PositionExits | null })[]>`
    select quantity::float8 as quantity, avg_price::float8 as avg_price,
      realised_pnl::float8 as realised_pnl, exits
    from paper_positions where account_id = ${accountId} and ticker = ${ticker}
    for update`;
  if (!row) return { position: FLAT, exits: null };
  const { exits, ...position } = row;
  return { position, exits };
}

/** Writes the order `request` as planned against the locked `account` and `held`. */
export async function writeOrder(
  tx: Queryable,
  account: PaperAccount,
  held: HeldPosition,
  request: OrderRequest,
): Promise<Booking> {
  const plan = planOrder(request, account.cash, held);
  const rejected = plan.status === "rejected";
  const [order] = await tx<PaperOrder[]>`
    insert into paper_orders (account_id, execution_id, step_id, signal_id, ticker, side,
      quantity, requested_price, fill_price, fees, slippage_bps, status, reject_reason,
      exit_reason, bar_date)
    values (${account.id}, ${request.execution_id}, ${request.step_id}, ${request.signal_id},
      ${request.ticker}, ${request.side}, ${request.quantity}, ${request.price},
      ${rejected ? null : plan.price}, ${rejected ? 0 : plan.fees}, ${request.slippage_bps},
      ${plan.status}, ${rejected ? plan.reason : null}, ${request.exit_reason ?? null},
      ${request.bar_date})
    returning ${tx.unsafe(ORDER_COLUMNS)}`;
  if (plan.status === "rejected") {
    return { order: order!, replayed: false, position: held.position, cash: account.cash };
  }
  const { position: after, realised, cash, fees, price } = plan;
  await tx`
    insert into paper_fills (order_id, account_id, ticker, side, quantity, price, fees,
      realised_pnl)
    values (${order!.id}, ${account.id}, ${request.ticker}, ${request.side},
      ${request.quantity}, ${price}, ${fees}, ${realised})`;
  const exits = plan.exits === null ? null : tx.json(plan.exits as never);
  await tx`
    insert into paper_positions (account_id, ticker, quantity, avg_price, realised_pnl,
      fees_paid, exits)
    values (${account.id}, ${request.ticker}, ${after.quantity}, ${after.avg_price},
      ${after.realised_pnl}, ${fees}, ${exits})
    on conflict (account_id, ticker) do update set
      quantity = excluded.quantity, avg_price = excluded.avg_price,
      realised_pnl = excluded.realised_pnl, exits = excluded.exits,
      fees_paid = paper_positions.fees_paid + excluded.fees_paid, updated_at = now()`;
  await tx`update paper_accounts set cash = ${cash} where id = ${account.id}`;
  const valuation = await valueAccount(tx, { id: account.id, cash }, {
    [request.ticker]: request.price,
  });
  await tx`
    insert into paper_equity_snapshots (account_id, equity, cash)
    values (${account.id}, ${valuation.equity}, ${cash})`;
  return { order: order!, replayed: false, position: after, cash };
}
