/**
 * Users' expression scanners in Postgres, always scoped to their owner. Every change runs in one
 * transaction with its `pg_notify` on SCANNER_CHANGES_CHANNEL, so the signal generator hears of
 * exactly the committed changes.
 */
import type postgres from "postgres";
import type { Sql } from "../db.ts";
import { type CapCheck, checkOwnerCap } from "../owner_cap.ts";
import { SCANNER_CHANGES_CHANNEL } from "../names.ts";
import type { RowChange } from "../schemas/row_change.ts";
import type { UserScanner, UserScannerBody } from "../schemas/user_scanner.ts";

// numeric comes back as text; the API and the generator want a number.
const COLUMNS = "id, owner_id, name, tickers, expression, direction, " +
  "confidence::float8 as confidence, is_active, created_at, updated_at";

/** Creates the store over `sql`. */
export function createScannerStore(sql: Sql) {
  const values = (body: UserScannerBody) => ({ ...body, tickers: sql.json(body.tickers) });
  const notify = (tx: postgres.TransactionSql, change: RowChange) =>
    tx`select pg_notify(${SCANNER_CHANGES_CHANNEL}, ${JSON.stringify(change)})`;
  return {
    /** Creates a scanner; `cap` is checked first, against the owner's count (owner_cap.ts). */
    create: (ownerId: string, body: UserScannerBody, cap?: CapCheck) =>
      sql.begin(async (tx) => {
        if (cap) await checkOwnerCap(tx, "user_scanners", ownerId, cap);
        const [row] = await tx<[UserScanner]>`
          insert into user_scanners ${tx({ owner_id: ownerId, ...values(body) })}
          returning ${tx.unsafe(COLUMNS)}`;
        await notify(tx, { op: "upsert", id: row.id });
        return row;
      }) as Promise<UserScanner>,

    list(ownerId: string): Promise<UserScanner[]> {
      return sql<UserScanner[]>`
        select ${sql.unsafe(COLUMNS)} from user_scanners where owner_id = ${ownerId}
        order by created_at desc, id desc`;
    },

    async get(ownerId: string, id: string): Promise<UserScanner | null> {
      const [row] = await sql<UserScanner[]>`
        select ${
        sql.unsafe(COLUMNS)
      } from user_scanners where id = ${id} and owner_id = ${ownerId}`;
      return row ?? null;
    },

    update: (ownerId: string, id: string, body: UserScannerBody) =>
      sql.begin(async (tx) => {
        const [row] = await tx<UserScanner[]>`
          update user_scanners set ${tx(values(body))}, updated_at = now()
          where id = ${id} and owner_id = ${ownerId}
          returning ${tx.unsafe(COLUMNS)}`;
        if (row) await notify(tx, { op: "upsert", id });
        return row ?? null;
      }) as Promise<UserScanner | null>,

    remove: (ownerId: string, id: string) =>
      sql.begin(async (tx) => {
        const deleted =
          await tx`delete from user_scanners where id = ${id} and owner_id = ${ownerId}`;
        if (deleted.count === 0) return false;
        await notify(tx, { op: "delete", id });
        return true;
      }) as Promise<boolean>,

    /** Every active scanner (the generator runs them all). */
    active(): Promise<UserScanner[]> {
      return sql<UserScanner[]>`
        select ${sql.unsafe(COLUMNS)} from user_scanners where is_active order by id`;
    },
  };
}
