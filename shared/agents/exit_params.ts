/**
 * The `exits` param of `paper_order`: protective exits given as prices, paths to prices in
 * earlier outputs (e.g. the sizer's `size.stop_price`, its 2 × ATR stop), or percentages of the
 * entry price, resolved to prices when the order is placed.
 */
import { z } from "../zod.ts";
import type { AgentContext } from "./agent.ts";
import { NonRetryableError } from "./errors.ts";
import { stepInput } from "./step_inputs.ts";
import type { ExitPlan } from "../ledger/exits.ts";
import { round, type Side } from "../ledger/position_math.ts";
import { PATH_PATTERN } from "../rules/path.ts";

const path = z.string().regex(
  PATH_PATTERN,
  "must be a number or a dotted path such as size.stop_price",
);
const amount = z.union([z.number().positive().finite(), path]);
const percent = z.object({ percent: z.number().positive().max(1000) }).strict();

export const exitParams = z.object({
  /** Stop-loss: a price, a path to one (e.g. "size.stop_price"), or `{percent}` from the entry. */
  stop_loss: z.union([amount, percent]).optional(),
  /** Take-profit: a price, a path to one, or `{percent}` from the entry. */
  take_profit: z.union([amount, percent]).optional(),
  /** Trailing stop: `{percent}` of the entry price, or `{distance}` (a number or a path, e.g. "size.stop_distance"). */
  trailing_stop: z.union([percent, z.object({ distance: amount }).strict()]).optional(),
  /** Close at the close of the N-th bar after the entry. */
  max_bars: z.number().int().min(1).max(100_000).optional(),
}).strict();
export type ExitParams = z.infer<typeof exitParams>;

/** The exit prices of a `side` entry at `price`. */
export function resolveExits(
  params: ExitParams,
  side: Side,
  price: number,
  ctx: Pick<AgentContext, "signal" | "outputs">,
): ExitPlan {
  const direction = side === "buy" ? 1 : -1;
  const value = (given: number | string, name: string): number => {
    const found = typeof given === "number" ? given : stepInput("paper_order", given, ctx);
    if (typeof found !== "number" || !(found > 0)) {
      throw new NonRetryableError(
        `Agent "paper_order": exits.${name} must be a number above 0, but "${given}" is ${
          JSON.stringify(found)
        }`,
      );
    }
    return found;
  };
  const level = (given: ExitParams["stop_loss"], name: string, sign: 1 | -1) => {
    if (given === undefined) return null;
    if (typeof given === "object") return round(price * (1 + sign * given.percent / 100));
    return value(given, name);
  };
  const trailing = params.trailing_stop;
  return {
    stop_price: level(params.stop_loss, "stop_loss", direction === 1 ? -1 : 1),
    take_profit_price: level(params.take_profit, "take_profit", direction === 1 ? 1 : -1),
    trail_distance: trailing === undefined
      ? null
      : "percent" in trailing
      ? round(price * trailing.percent / 100)
      : value(trailing.distance, "trailing_stop.distance"),
    max_bars: params.max_bars ?? null,
  };
}
