/**
 * Paper-trading reads, always through the account's owner: accounts (valued), one account,
 * its orders and its equity history, newest first. The JSON routes and the web app both use it.
 */
import type { Sql } from "../../shared/db.ts";
import { ACCOUNT_COLUMNS, type PaperAccount, valueAccount } from "../../shared/ledger/accounts.ts";
import type { Valuation } from "../../shared/ledger/accounts.ts";
import { ORDER_COLUMNS, type PaperOrder } from "../../shared/ledger/book_order.ts";
import type { PageCursor } from "./page_cursor.ts";

/** An account with its realised P&L and fees summed over positions. */
export type AccountTotals = PaperAccount & { realised_pnl: number; fees_paid: number };
/** An order with its keyset position. */
export type OrderRow = PaperOrder & { sort_key: string };
/** An equity snapshot with its keyset position (ids uuid-shaped for cursors). */
export type SnapshotRow = {
  id: string;
  at: Date;
  equity: number;
  cash: number;
  bar_date: string | null;
  sort_key: string;
};

/** A page request. */
export interface Page {
  limit: number;
  after: PageCursor | null;
}

/** Creates the store over `sql`. */
export function createPaperStore(sql: Sql) {
  return {
    /** The owner's accounts, oldest first, each with its valuation. */
    async accounts(ownerId: string): Promise<(AccountTotals & Valuation)[]> {
      const accounts = await sql<AccountTotals[]>`
        select ${sql.unsafe(ACCOUNT_COLUMNS)}, t.realised_pnl, t.fees_paid
        from paper_accounts a, lateral (
          select coalesce(sum(p.realised_pnl), 0)::float8 as realised_pnl,
            coalesce(sum(p.fees_paid), 0)::float8 as fees_paid
          from paper_positions p where p.account_id = a.id) t
        where a.owner_id = ${ownerId}
        order by a.created_at, a.id`;
      return await Promise.all(
        accounts.map(async (a) => ({ ...a, ...await valueAccount(sql, a) })),
      );
    },

    /** One of the owner's accounts, or null (another owner's behaves as absent). */
    async account(ownerId: string, id: string): Promise<PaperAccount | null> {
      const [account] = await sql<PaperAccount[]>`
        select ${sql.unsafe(ACCOUNT_COLUMNS)} from paper_accounts
        where id = ${id} and owner_id = ${ownerId}`;
      return account ?? null;
    },

    /** An account's orders, newest first (the caller checked the owner). */
    orders(accountId: string, { limit, after }: Page): Promise<OrderRow[]> {
      return sql<OrderRow[]>`
        select ${sql.unsafe(ORDER_COLUMNS)}, created_at::text as sort_key from paper_orders
        where account_id = ${accountId} ${
        after ? sql`and (created_at, id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``
      }
        order by created_at desc, id desc
        limit ${limit}`;
    },

    /** An account's equity after each fill, newest first (the caller checked the owner). */
    equity(accountId: string, { limit, after }: Page): Promise<SnapshotRow[]> {
      // Snapshot ids are bigints; cursors carry them uuid-shaped (hex, zero-padded).
      return sql<SnapshotRow[]>`
        select lpad(to_hex(id), 32, '0')::uuid::text as id, at, equity::float8 as equity,
          cash::float8 as cash, to_char(bar_date, 'YYYY-MM-DD') as bar_date, at::text as sort_key
        from paper_equity_snapshots
        where account_id = ${accountId} ${
        after
          ? sql`and (at, id) < (${after.at}::timestamptz,
              ('x' || right(replace(${after.id}, '-', ''), 16))::bit(64)::bigint)`
          : sql``
      }
        order by at desc, id desc
        limit ${limit}`;
    },
  };
}

/** The store's type. */
export type PaperStore = ReturnType<typeof createPaperStore>;
