/**
 * `paper_order`: a simulated market order at the bar's price (the signal's price, else the close
 * of the signal's bar in `market_bars`), moved by `slippage_bps` against the trade and charged
 * `fee_fixed` plus `fee_bps` of the notional, booked in the pipeline owner's paper account. One
 * order per execution and step: a retried run gets the first order back instead of a second one.
 * A rejected order (not enough cash, or a short sale when `allow_short` is off) is recorded and
 * ends the run as skipped. `exits` attach protective exits to the position the order opens
 * (checked on every later bar of the ticker; see shared/ledger/exits.ts).
 *
 * @example {"id": "order", "agent": "paper_order", "params": {"quantity": "size.quantity", "slippage_bps": 5, "fee_bps": 1, "fee_fixed": 1, "exits": {"stop_loss": "size.stop_price", "take_profit": {"percent": 20}}}}
 */
import { z } from "../zod.ts";
import { defineAgent } from "./agent.ts";
import { NonRetryableError } from "./errors.ts";
import { exitParams, resolveExits } from "./exit_params.ts";
import { stepInput, targetSide, tradeTarget } from "./step_inputs.ts";
import { bookStepOrder, orderCostParams } from "./step_order.ts";
import { PATH_PATTERN } from "../rules/path.ts";
import { tickerSchema } from "../schemas/ticker.ts";

export const paperOrderParams = z.object({
  /** Shares, or a path to them in an earlier output (e.g. "size.quantity"). */
  quantity: z.union([
    z.number().positive().finite(),
    z.string().regex(PATH_PATTERN, "must be a number or a dotted path such as size.quantity"),
  ]),
  /** Ticker; default the signal's. */
  ticker: tickerSchema.optional(),
  /** Default: the signal's direction (BULLISH buys). */
  side: z.enum(["buy", "sell"]).optional(),
  ...orderCostParams,
  /** Let a sell exceed the long position (go short); default false. */
  allow_short: z.boolean().default(false),
  /** Protective exits of the position this order opens; default none. */
  exits: exitParams.optional(),
}).strict();
export type PaperOrderParams = z.infer<typeof paperOrderParams>;

export const paperOrderAgent = defineAgent({
  name: "paper_order",
  description: "Books a simulated market order with fees and slippage in the paper ledger",
  params: paperOrderParams,
  async run(params, ctx) {
    const quantity = typeof params.quantity === "number"
      ? params.quantity
      : stepInput("paper_order", params.quantity, ctx);
    if (typeof quantity !== "number" || !(quantity > 0)) {
      throw new NonRetryableError(
        `Agent "paper_order": quantity must be a number above 0, but "${params.quantity}" is ${
          JSON.stringify(quantity)
        }`,
      );
    }
    const side = targetSide("paper_order", params.side, ctx.signal);
    const target = await tradeTarget(ctx.market, "paper_order", params.ticker, ctx.signal);
    const exits = params.exits ? resolveExits(params.exits, side, target.price, ctx) : null;
    const booking = await bookStepOrder("paper_order", ctx, target, params, {
      side,
      quantity,
      allow_short: params.allow_short,
      ...exits && { exits },
    });
    const { order } = booking;
    const output = {
      order_id: order.id,
      status: order.status,
      account: ctx.pipeline.account,
      ticker: order.ticker,
      side: order.side,
      quantity: order.quantity,
      price: order.requested_price,
      fill_price: order.fill_price,
      fees: order.fees,
      bar_date: order.bar_date,
      reject_reason: order.reject_reason,
      ...exits && { exits },
      replayed: booking.replayed,
      position: booking.position,
      cash: booking.cash,
    };
    if (booking.replayed) {
      ctx.log.info("Paper order {order_id} was booked by an earlier attempt", output);
    }
    if (order.status === "filled") return { output };
    return {
      output,
      halt: { reason: `Paper order rejected: ${order.reject_reason}`, outcome: "rejected" },
    };
  },
});
