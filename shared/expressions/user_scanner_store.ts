/** Users' expression scanners in Postgres, always scoped to their owner. */
import type { Sql } from "../db.ts";
import type { UserScanner, UserScannerBody } from "../schemas/user_scanner.ts";

// numeric comes back as text; the API and the generator want a number.
const COLUMNS = "id, owner_id, name, tickers, expression, direction, " +
  "confidence::float8 as confidence, is_active, created_at, updated_at";

/** Creates the store over `sql`. */
export function createScannerStore(sql: Sql) {
  const values = (body: UserScannerBody) => ({ ...body, tickers: sql.json(body.tickers) });
  return {
    async count(ownerId: string): Promise<number> {
      const [row] = await sql<[{ n: number }]>`
        select count(*)::int as n from user_scanners where owner_id = ${ownerId}`;
      return row.n;
    },

    async create(ownerId: string, body: UserScannerBody): Promise<UserScanner> {
      const [row] = await sql<[UserScanner]>`
        insert into user_scanners ${sql({ owner_id: ownerId, ...values(body) })}
        returning ${sql.unsafe(COLUMNS)}`;
      return row;
    },

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

    async update(ownerId: string, id: string, body: UserScannerBody): Promise<UserScanner | null> {
      const [row] = await sql<UserScanner[]>`
        update user_scanners set ${sql(values(body))}, updated_at = now()
        where id = ${id} and owner_id = ${ownerId}
        returning ${sql.unsafe(COLUMNS)}`;
      return row ?? null;
    },

    async remove(ownerId: string, id: string): Promise<boolean> {
      const deleted =
        await sql`delete from user_scanners where id = ${id} and owner_id = ${ownerId}`;
      return deleted.count > 0;
    },

    /** Every active scanner (the generator runs them all). */
    active(): Promise<UserScanner[]> {
      return sql<UserScanner[]>`
        select ${sql.unsafe(COLUMNS)} from user_scanners where is_active order by id`;
    },
  };
}
