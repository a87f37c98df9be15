/**
 * `close_position`: closes (or, with `percent` below 100, reduces) the paper position in the
 * ticker at the bar's price, as a signal exit: a death cross closing a golden-cross long, say.
 * Booked like `paper_order` (once per execution and step; the same slippage and fees) with exit
 * reason "signal". Without a position it does nothing and the run goes on.
 *
 * @example {"id": "close", "agent": "close_position", "when": "signal.signal == \"BEARISH\"", "params": {"slippage_bps": 5, "fee_bps": 1}}
 */
import { z } from "../zod.ts";
import { defineAgent } from "./agent.ts";
import { tradeTarget } from "./step_inputs.ts";
import { bookStepOrder, orderCostParams } from "./step_order.ts";
import { round } from "../ledger/position_math.ts";
import { tickerSchema } from "../schemas/ticker.ts";

export const closePositionParams = z.object({
  /** Ticker; default the signal's. */
  ticker: tickerSchema.optional(),
  /** Share of the position to close, in percent; default 100 (all of it). */
  percent: z.number().positive().max(100).default(100),
  ...orderCostParams,
}).strict();
export type ClosePositionParams = z.infer<typeof closePositionParams>;

/** How much of `held` (signed) a close of `percent` trades: all of it, or whole shares of it. */
export function closeQuantity(held: number, percent: number): number {
  const size = Math.abs(held);
  if (percent >= 100) return size;
  const part = size * percent / 100;
  return Number.isInteger(size) ? Math.floor(round(part, 6)) : round(part);
}

export const closePositionAgent = defineAgent({
  name: "close_position",
  description: "Closes or reduces the paper position in the ticker (a signal exit)",
  params: closePositionParams,
  async run(params, ctx) {
    const target = await tradeTarget(ctx.market, "close_position", params.ticker, ctx.signal);
    const account = await ctx.ledger.account(ctx.pipeline.owner_id, ctx.pipeline.account);
    const { positions } = await ctx.ledger.value(account);
    const held = positions.find((p) => p.ticker === target.ticker)?.quantity ?? 0;
    const quantity = closeQuantity(held, params.percent);
    const base = { account: account.name, ticker: target.ticker, held };
    if (quantity === 0) return { output: { ...base, status: "flat", closed_quantity: 0 } };
    const booking = await bookStepOrder("close_position", ctx, target, params, {
      side: held > 0 ? "sell" : "buy",
      quantity,
      allow_short: false,
      exit_reason: "signal",
    });
    const { order } = booking;
    const output = {
      ...base,
      status: order.status,
      order_id: order.id,
      side: order.side,
      closed_quantity: order.status === "filled" ? quantity : 0,
      price: order.requested_price,
      fill_price: order.fill_price,
      fees: order.fees,
      bar_date: order.bar_date,
      reject_reason: order.reject_reason,
      replayed: booking.replayed,
      position: booking.position,
      cash: booking.cash,
    };
    if (order.status === "filled") return { output };
    return {
      output,
      halt: { reason: `Close rejected: ${order.reject_reason}`, outcome: "rejected" },
    };
  },
});
