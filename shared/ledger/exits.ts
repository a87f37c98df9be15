/**
 * Protective exits, pure: the stop-loss, take-profit, trailing stop and time limit a position
 * carries from the bar it opened on, checked against each later daily bar of its ticker.
 *
 * The day's open comes first: a long whose stop the bar opened below (a gap) fills at the open,
 * not at a stop price the market never traded; otherwise the stop fills at its price when the low
 * reaches it. Take-profit is symmetrical (the high reaches it; a gap above fills at the open).
 * When a bar reaches both the stop and the target, the stop wins: a daily bar does not say which
 * came first, and assuming the worse keeps backtests honest. The trailing stop trails the best
 * price of the bars *before* the one checked (the bar's own high cannot raise the stop that bar
 * is tested against). A time exit fills at the close of the `max_bars`-th bar after the entry.
 * Shorts mirror all of it: they are decided as longs over negated prices.
 */
import { round } from "./position_math.ts";

/** Why a position was closed. */
export const EXIT_REASONS = ["stop", "take_profit", "trailing", "time", "signal"] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/** The exits given when a position opens; null: that exit is off. */
export interface ExitPlan {
  stop_price: number | null;
  take_profit_price: number | null;
  /** Distance of the trailing stop from the best price since entry. */
  trail_distance: number | null;
  /** Close at the close of the N-th bar after the entry bar. */
  max_bars: number | null;
}

/** A position's exits as they stand after the bars checked so far. */
export interface ExitState extends ExitPlan {
  /** Best price since entry (highest high of a long, lowest low of a short). */
  trail_extreme: number;
  /** Bars checked since the entry bar. */
  bars_held: number;
  /** Last bar date checked (the entry bar's at first); later bars only are checked. */
  checked_through: string;
}

/** A bar's prices. */
export interface PriceBar {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
}

/** A triggered exit: why, and the price it fills at before slippage. */
export interface ExitDecision {
  reason: Exclude<ExitReason, "signal">;
  price: number;
}

/** No exits. */
export const NO_EXITS: ExitPlan = {
  stop_price: null,
  take_profit_price: null,
  trail_distance: null,
  max_bars: null,
};

/** Whether `plan` sets any exit. */
export function hasExits(plan: ExitPlan): boolean {
  return plan.stop_price !== null || plan.take_profit_price !== null ||
    plan.trail_distance !== null || plan.max_bars !== null;
}

/** The state of exits attached to a position entered at `price` on the bar of `date`. */
export function openExits(plan: ExitPlan, price: number, date: string): ExitState {
  return { ...plan, trail_extreme: price, bars_held: 0, checked_through: date };
}

/**
 * The exit `bar` triggers for a position of sign `direction` (1 long, −1 short), or null. A bar
 * dated on or before `state.checked_through` triggers nothing (it was checked already).
 */
export function decideExit(
  state: ExitState,
  direction: 1 | -1,
  bar: PriceBar,
): ExitDecision | null {
  if (bar.date <= state.checked_through) return null;
  const s = direction;
  // As a long: prices times s, so a short's high is the negated low.
  const open = s * bar.open;
  const high = s * (s === 1 ? bar.high : bar.low);
  const low = s * (s === 1 ? bar.low : bar.high);
  const stop = state.stop_price === null ? null : s * state.stop_price;
  const trail = state.trail_distance === null
    ? null
    : s * state.trail_extreme - state.trail_distance;
  const target = state.take_profit_price === null ? null : s * state.take_profit_price;

  let floor: { reason: "stop" | "trailing"; level: number } | null = null;
  if (stop !== null) floor = { reason: "stop", level: stop };
  if (trail !== null && (floor === null || trail > floor.level)) {
    floor = { reason: "trailing", level: trail };
  }
  const exit = (reason: ExitDecision["reason"], price: number) => ({
    reason,
    price: round(s * price),
  });
  if (floor && open <= floor.level) return exit(floor.reason, open);
  if (target !== null && open >= target) return exit("take_profit", open);
  if (floor && low <= floor.level) return exit(floor.reason, floor.level);
  if (target !== null && high >= target) return exit("take_profit", target);
  if (state.max_bars !== null && state.bars_held + 1 >= state.max_bars) {
    return exit("time", s * bar.close);
  }
  return null;
}

/** The state after `bar` was checked and triggered nothing. */
export function advanceExits(state: ExitState, direction: 1 | -1, bar: PriceBar): ExitState {
  if (bar.date <= state.checked_through) return state;
  const best = direction === 1
    ? Math.max(state.trail_extreme, bar.high)
    : Math.min(state.trail_extreme, bar.low);
  return {
    ...state,
    trail_extreme: best,
    bars_held: state.bars_held + 1,
    checked_through: bar.date,
  };
}
