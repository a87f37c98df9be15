/**
 * The paper ledger in memory, for backtests: the same order plans ({@linkcode planOrder}), exit
 * decisions ({@linkcode decideExit}) and valuation ({@linkcode valuePositions}) as the Postgres
 * ledger, with rows kept in maps. Besides the {@linkcode Ledger} calls it exposes its fills, which
 * a backtest pairs into trades.
 */
import type { Bar } from "../market/bar.ts";
import { DEFAULT_STARTING_CASH, type PaperAccount, valuePositions } from "./accounts.ts";
import type { BarEffect } from "./apply_bar.ts";
import type { Booking, PaperOrder } from "./book_order.ts";
import { advanceExits, decideExit, type ExitReason } from "./exits.ts";
import type { Ledger } from "./ledger.ts";
import { type HeldPosition, type OrderRequest, planOrder } from "./order_plan.ts";
import { FLAT, type Side } from "./position_math.ts";

/** A fill as the memory ledger keeps it. */
export interface MemoryFill {
  account_id: string;
  ticker: string;
  side: Side;
  quantity: number;
  price: number;
  fees: number;
  realised: number;
  bar_date: string | null;
  exit_reason: ExitReason | null;
  /** The position's signed quantity after the fill. */
  position_after: number;
}

/** Options of {@linkcode memoryLedger}. */
export interface MemoryLedgerOptions {
  /** The latest close of a ticker as of the simulated day (null: none yet). */
  markOf: (ticker: string) => number | null;
  /** Cash of a new account; default {@linkcode DEFAULT_STARTING_CASH}. */
  startingCash?: number;
  /** Clock of `created_at`; default the epoch (backtests are reproducible). */
  now?: () => Date;
}

/** A ledger in memory, with its fills. */
export interface MemoryLedger extends Ledger {
  readonly accounts: readonly PaperAccount[];
  /** Whether any account holds `ticker` (a bar of another ticker changes nothing). */
  holds(ticker: string): boolean;
  readonly fills: readonly MemoryFill[];
  readonly orders: readonly PaperOrder[];
}

/** A fresh, empty ledger in memory. */
export function memoryLedger(options: MemoryLedgerOptions): MemoryLedger {
  const startingCash = options.startingCash ?? DEFAULT_STARTING_CASH;
  const now = options.now ?? (() => new Date(0));
  const accounts = new Map<string, PaperAccount>();
  // Open positions only, by account id and ticker (a flat one is deleted).
  const positions = new Map<string, Map<string, HeldPosition>>();
  const byRun = new Map<string, PaperOrder>();
  const orders: PaperOrder[] = [];
  const fills: MemoryFill[] = [];
  let ids = 0;
  const held = (accountId: string, ticker: string): HeldPosition =>
    positions.get(accountId)?.get(ticker) ?? { position: FLAT, exits: null };

  const account = (ownerId: string, name: string): PaperAccount => {
    const accountKey = `${ownerId}\u0000${name}`;
    let found = accounts.get(accountKey);
    if (!found) {
      found = {
        id: `account-${++ids}`,
        owner_id: ownerId,
        name,
        currency: "USD",
        starting_cash: startingCash,
        cash: startingCash,
        created_at: now(),
      };
      accounts.set(accountKey, found);
    }
    return found;
  };

  const value = (target: { id: string; cash: number }) => {
    const open = [...positions.get(target.id) ?? []]
      .map(([ticker, p]) => ({ ...p.position, ticker, mark: options.markOf(ticker) }))
      .sort((a, b) => (a.ticker < b.ticker ? -1 : 1));
    return valuePositions(target.cash, open);
  };

  const write = (owner: PaperAccount, request: OrderRequest): Booking => {
    const before = held(owner.id, request.ticker);
    const plan = planOrder(request, owner.cash, before);
    const rejected = plan.status === "rejected";
    const order: PaperOrder = {
      id: `order-${++ids}`,
      account_id: owner.id,
      execution_id: request.execution_id,
      step_id: request.step_id,
      signal_id: request.signal_id,
      ticker: request.ticker,
      side: request.side,
      quantity: request.quantity,
      requested_price: request.price,
      fill_price: rejected ? null : plan.price,
      fees: rejected ? 0 : plan.fees,
      slippage_bps: request.slippage_bps,
      status: plan.status,
      reject_reason: rejected ? plan.reason : null,
      exit_reason: request.exit_reason ?? null,
      bar_date: request.bar_date,
      created_at: now(),
    };
    orders.push(order);
    if (request.execution_id !== null) {
      byRun.set(`${request.execution_id}\u0000${request.step_id}`, order);
    }
    if (plan.status === "rejected") {
      return { order, replayed: false, position: before.position, cash: owner.cash };
    }
    const open = positions.get(owner.id) ?? new Map<string, HeldPosition>();
    positions.set(owner.id, open);
    if (plan.position.quantity === 0) open.delete(request.ticker);
    else open.set(request.ticker, { position: plan.position, exits: plan.exits });
    owner.cash = plan.cash;
    fills.push({
      account_id: owner.id,
      ticker: request.ticker,
      side: request.side,
      quantity: request.quantity,
      price: plan.price,
      fees: plan.fees,
      realised: plan.realised,
      bar_date: request.bar_date,
      exit_reason: request.exit_reason ?? null,
      position_after: plan.position.quantity,
    });
    return { order, replayed: false, position: plan.position, cash: plan.cash };
  };

  return {
    fills,
    orders,
    get accounts() {
      return [...accounts.values()];
    },
    holds: (ticker) => [...positions.values()].some((open) => open.has(ticker)),
    account: (ownerId, name) => Promise.resolve(account(ownerId, name)),
    value: (target) => Promise.resolve(value(target)),
    book(request) {
      const owner = account(request.owner_id, request.account);
      const existing = request.execution_id === null
        ? undefined
        : byRun.get(`${request.execution_id}\u0000${request.step_id}`);
      if (existing) {
        const { position } = held(owner.id, request.ticker);
        return Promise.resolve({ order: existing, replayed: true, position, cash: owner.cash });
      }
      return Promise.resolve(write(owner, request));
    },
    applyBar(bar: Bar) {
      const effects: BarEffect[] = [];
      for (const owner of accounts.values()) {
        const h = positions.get(owner.id)?.get(bar.ticker);
        if (!h) continue;
        const direction = Math.sign(h.position.quantity) as 1 | -1;
        let exit: Booking | null = null;
        if (h.exits && bar.date > h.exits.checked_through) {
          const decision = decideExit(h.exits, direction, bar);
          if (decision) {
            exit = write(owner, {
              owner_id: owner.owner_id,
              account: owner.name,
              execution_id: null,
              step_id: null,
              signal_id: null,
              ticker: bar.ticker,
              side: direction === 1 ? "sell" : "buy",
              quantity: Math.abs(h.position.quantity),
              price: decision.price,
              bar_date: bar.date,
              slippage_bps: h.exits.slippage_bps,
              fees: h.exits.fees,
              allow_short: false,
              exit_reason: decision.reason,
            });
          } else {
            h.exits = { ...h.exits, ...advanceExits(h.exits, direction, bar) };
          }
        }
        effects.push({
          account_id: owner.id,
          ticker: bar.ticker,
          exit,
          equity: value(owner).equity,
        });
      }
      return Promise.resolve(effects);
    },
  };
}
