/**
 * The paper ledger as agents and the bar consumer use it: Postgres live, memory in a backtest
 * (shared/ledger/memory_ledger.ts). Both plan orders with the same pure functions, so only where
 * the rows live differs.
 */
import type { Sql } from "../db.ts";
import type { Bar } from "../market/bar.ts";
import { ensureAccount, type PaperAccount, type Valuation, valueAccount } from "./accounts.ts";
import { applyBar, type BarEffect } from "./apply_bar.ts";
import { type Booking, bookOrder } from "./book_order.ts";
import type { OrderRequest } from "./order_plan.ts";

/** A paper ledger. */
export interface Ledger {
  /** The owner's account called `name`, created with the default cash on first use. */
  account(ownerId: string, name: string): Promise<PaperAccount>;
  /** Cash plus open positions at the latest closes. */
  value(account: { id: string; cash: number }): Promise<Valuation>;
  /** Books an order, at most once per execution and step. */
  book(request: OrderRequest): Promise<Booking>;
  /** Checks the exits of positions in the bar's ticker, books those hit, marks equity. */
  applyBar(bar: Bar): Promise<BarEffect[]>;
}

/** The ledger in Postgres. */
export function postgresLedger(sql: Sql): Ledger {
  return {
    account: (ownerId, name) => ensureAccount(sql, ownerId, name),
    value: (account) => valueAccount(sql, account),
    book: (request) => bookOrder(sql, request),
    applyBar: (bar) => applyBar(sql, bar),
  };
}
