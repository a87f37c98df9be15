/**
 * `position_sizer`: how many shares to trade so that hitting the stop loses `risk_per_trade_pct`
 * of the paper account's equity. The stop lies an ATR multiple (from an earlier step, e.g. the
 * `indicators` output) or a percentage away from the price. The size is then capped by the
 * position's value (`max_position_pct` of equity, `max_position_value`) and, for buys, by cash;
 * when `max_open_positions` other tickers are already held the run is skipped.
 *
 * @example {"id": "size", "agent": "position_sizer", "params": {"risk_per_trade_pct": 1, "stop": {"atr_multiple": 2, "atr": "indicators.atr14"}, "max_position_pct": 20, "max_open_positions": 5}}
 */
import { z } from "../zod.ts";
import { defineAgent } from "./agent.ts";
import { NonRetryableError } from "./errors.ts";
import { stepInput, targetSide, tradeTarget } from "./step_inputs.ts";
import { round, type Side } from "../ledger/position_math.ts";
import { PATH_PATTERN } from "../rules/path.ts";
import { tickerSchema } from "../schemas/ticker.ts";

const pct = z.number().positive().max(100);
const path = z.string().regex(PATH_PATTERN, "must be a dotted path such as indicators.atr14");

export const positionSizerParams = z.object({
  /** Ticker; default the signal's. */
  ticker: tickerSchema.optional(),
  /** Default: the signal's direction (BULLISH buys). */
  side: z.enum(["buy", "sell"]).optional(),
  /** Equity lost if the stop is hit, in percent; default 1. */
  risk_per_trade_pct: pct.default(1),
  /** Stop distance; default 2 × `indicators.atr14`. */
  stop: z.union([
    z.object({
      atr_multiple: z.number().positive().max(100),
      atr: path.default("indicators.atr14"),
    })
      .strict(),
    z.object({ percent: pct }).strict(),
  ]).default({ atr_multiple: 2, atr: "indicators.atr14" }),
  /** Largest position value in percent of equity; default 20. */
  max_position_pct: pct.default(20),
  /** Largest position value in the account's currency; default none. */
  max_position_value: z.number().positive().optional(),
  /** Most tickers held at once; default 10. */
  max_open_positions: z.number().int().min(1).max(10_000).default(10),
  /** Allow fractional shares; default false (whole shares, rounded down). */
  fractional: z.boolean().default(false),
}).strict();
export type PositionSizerParams = z.infer<typeof positionSizerParams>;

/** What limited a size. */
export type SizeLimit = "risk" | "max_position_pct" | "max_position_value" | "cash";

/** Sizes a position: risk ÷ stop distance, then the value caps, then whole shares. */
export function sizePosition(input: {
  equity: number;
  cash: number;
  price: number;
  stop_distance: number;
  side: Side;
  params: Pick<
    PositionSizerParams,
    "risk_per_trade_pct" | "max_position_pct" | "max_position_value" | "fractional"
  >;
}): { quantity: number; risk_amount: number; limited_by: SizeLimit } {
  const { equity, cash, price, stop_distance, side, params } = input;
  const risk_amount = round(equity * params.risk_per_trade_pct / 100);
  const caps: [SizeLimit, number][] = [
    ["risk", risk_amount / stop_distance],
    ["max_position_pct", equity * params.max_position_pct / 100 / price],
  ];
  if (params.max_position_value !== undefined) {
    caps.push(["max_position_value", params.max_position_value / price]);
  }
  if (side === "buy") caps.push(["cash", Math.max(cash, 0) / price]);
  const [limited_by, raw] = caps.reduce((min, cap) => (cap[1] < min[1] ? cap : min));
  const quantity = params.fractional ? Math.floor(raw * 1e6) / 1e6 : Math.floor(round(raw, 6));
  return { quantity: Math.max(quantity, 0), risk_amount, limited_by };
}

export const positionSizerAgent = defineAgent({
  name: "position_sizer",
  description: "Sizes a position from the paper account's equity, risk per trade and stop distance",
  params: positionSizerParams,
  async run(params, ctx) {
    const side = targetSide("position_sizer", params.side, ctx.signal);
    const target = await tradeTarget(ctx.market, "position_sizer", params.ticker, ctx.signal);
    let stop_distance: number;
    if ("percent" in params.stop) {
      stop_distance = target.price * params.stop.percent / 100;
    } else {
      const atr = stepInput("position_sizer", params.stop.atr, ctx);
      if (atr !== null && typeof atr !== "number") {
        throw new NonRetryableError(
          `Agent "position_sizer": "${params.stop.atr}" must be a number, but it is ${
            JSON.stringify(atr)
          }`,
        );
      }
      if (atr === null || atr <= 0) {
        const output = { quantity: 0, ticker: target.ticker, side };
        const reason = `Position sizer: "${params.stop.atr}" is ${atr} (too little history?)`;
        return { output, halt: { reason } };
      }
      stop_distance = atr * params.stop.atr_multiple;
    }
    stop_distance = round(stop_distance);

    const account = await ctx.ledger.account(ctx.pipeline.owner_id, ctx.pipeline.account);
    const valuation = await ctx.ledger.value(account);
    const held = valuation.positions.map((p) => p.ticker);
    const output = {
      account: account.name,
      ticker: target.ticker,
      side,
      price: target.price,
      stop_distance,
      stop_price: round(target.price + (side === "buy" ? -stop_distance : stop_distance)),
      equity: valuation.equity,
      cash: valuation.cash,
      open_positions: held.length,
    };
    if (!held.includes(target.ticker) && held.length >= params.max_open_positions) {
      const reason = `Position sizer: ${held.length} positions open, the most allowed is ` +
        `${params.max_open_positions}`;
      return { output: { ...output, quantity: 0 }, halt: { reason, outcome: "rejected" } };
    }
    const size = sizePosition({ ...valuation, price: target.price, stop_distance, side, params });
    const sized = {
      ...output,
      ...size,
      position_value: round(size.quantity * target.price),
    };
    if (size.quantity > 0) return { output: sized };
    return {
      output: sized,
      halt: {
        reason: `Position sizer: the size rounds to 0 (limited by ${size.limited_by})`,
        outcome: "rejected",
      },
    };
  },
});
