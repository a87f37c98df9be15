/**
 * What the trading steps (`paper_order`, `close_position`) share: their cost params, and booking
 * an order as the run's step, so that both are idempotent per execution and step and charge the
 * same way.
 */
import { z } from "../zod.ts";
import type { AgentContext } from "./agent.ts";
import type { TradeTarget } from "./step_inputs.ts";
import type { Booking } from "../ledger/book_order.ts";
import type { OrderRequest } from "../ledger/order_plan.ts";

const bps = z.number().min(0).max(10_000);

/** The cost params of an order step, to spread into its params schema. */
export const orderCostParams = {
  /** Slippage against the trade, in basis points; default 5. */
  slippage_bps: bps.default(5),
  /** Fee in basis points of the notional; default 0. */
  fee_bps: bps.default(0),
  /** Fixed fee per order; default 0. */
  fee_fixed: z.number().min(0).finite().default(0),
};

/** Parsed cost params. */
export type OrderCosts = z.infer<z.ZodObject<typeof orderCostParams>>;

/** What the step decides; the rest of the request comes from the run. */
export type StepOrder = Pick<
  OrderRequest,
  "side" | "quantity" | "allow_short" | "exits" | "exit_reason"
>;

/**
 * Books `order` at `target`'s bar in the pipeline owner's account, keyed by the execution and
 * the step (`agent` when the run names no step), so a retried run gets the first booking back.
 */
export function bookStepOrder(
  agent: string,
  ctx: AgentContext,
  target: TradeTarget,
  costs: OrderCosts,
  order: StepOrder,
): Promise<Booking> {
  return ctx.ledger.book({
    owner_id: ctx.pipeline.owner_id,
    account: ctx.pipeline.account,
    execution_id: ctx.execution.id,
    step_id: ctx.step?.id ?? agent,
    signal_id: ctx.signal?.signal_id ?? null,
    ticker: target.ticker,
    price: target.price,
    bar_date: target.date,
    slippage_bps: costs.slippage_bps,
    fees: { fixed: costs.fee_fixed, bps: costs.fee_bps },
    ...order,
  });
}
