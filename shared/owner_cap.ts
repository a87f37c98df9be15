/**
 * A per-user cap (scanners, webhook sources) that holds under concurrent creates: the count and the
 * insert run in one transaction under a lock of the owner's, so two creates at max − 1 cannot both
 * count max − 1 and both insert.
 */
import type postgres from "postgres";

/** Called with how many rows the owner has, under the owner's lock; throws to refuse the create. */
export type CapCheck = (count: number) => void;

/** The tables a cap counts. */
export type CappedTable = "user_scanners" | "signal_sources";

/**
 * Takes the owner's lock until `tx` ends (an advisory lock: it blocks only other capped creates of
 * the same owner), counts the owner's rows of `table` and hands the count to `check`.
 */
export async function checkOwnerCap(
  tx: postgres.TransactionSql,
  table: CappedTable,
  ownerId: string,
  check: CapCheck,
): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${`tickwire:cap:${ownerId}`}, 0))`;
  const [row] = await tx<[{ n: number }]>`
    select count(*)::int as n from ${tx(table)} where owner_id = ${ownerId}`;
  check(row.n);
}
