/**
 * Webhook sources and their delivery log in Postgres. Management queries are scoped to the
 * owner; the intake reads a source by id alone (the secret, not a token, authenticates it).
 */
import type { Sql } from "../../shared/db.ts";
import { type CapCheck, checkOwnerCap } from "../../shared/owner_cap.ts";

/** The delivery outcomes (enum `delivery_outcome`). */
export const DELIVERY_OUTCOMES = [
  "accepted",
  "duplicate",
  "stale",
  "bad_secret",
  "malformed",
  "rate_limited",
  "unavailable",
] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** A stored source, without its sealed secret. */
export interface SignalSourceRow {
  id: string;
  owner_id: string;
  name: string;
  max_lag_seconds: number | null;
  max_per_minute: number;
  dedup_window_seconds: number;
  created_at: Date;
  secret_rotated_at: Date;
}

/** A source as the intake needs it. */
export type IntakeSource = SignalSourceRow & { secret_sealed: Uint8Array };

/** Settings a user chooses. */
export interface SignalSourceSettings {
  name: string;
  max_lag_seconds: number | null;
  max_per_minute: number;
  dedup_window_seconds: number;
}

/** One delivery as logged. */
export interface DeliveryRow {
  id: string;
  received_at: Date;
  outcome: DeliveryOutcome;
  reason: string | null;
  signal_id: string | null;
  ticker: string | null;
  alert_id: string | null;
}

/** What the intake logs of a delivery. */
export type DeliveryRecord = Omit<DeliveryRow, "id" | "received_at">;

const PUBLIC_COLUMNS = [
  "id",
  "owner_id",
  "name",
  "max_lag_seconds",
  "max_per_minute",
  "dedup_window_seconds",
  "created_at",
  "secret_rotated_at",
] as const;

/** Creates the store over `sql`. */
export function createSignalSourceStore(sql: Sql) {
  const columns = sql(PUBLIC_COLUMNS);
  return {
    /** Creates a source; `cap` is checked first, against the owner's count (owner_cap.ts). */
    create(
      ownerId: string,
      settings: SignalSourceSettings,
      sealed: Uint8Array,
      cap?: CapCheck,
    ): Promise<SignalSourceRow> {
      return sql.begin(async (tx) => {
        if (cap) await checkOwnerCap(tx, "signal_sources", ownerId, cap);
        const values = tx({ owner_id: ownerId, ...settings, secret_sealed: sealed });
        const [row] = await tx<[SignalSourceRow]>`
          insert into signal_sources ${values} returning ${tx(PUBLIC_COLUMNS)}`;
        return row;
      }) as Promise<SignalSourceRow>;
    },

    list(ownerId: string): Promise<SignalSourceRow[]> {
      return sql<SignalSourceRow[]>`
        select ${columns} from signal_sources where owner_id = ${ownerId}
        order by created_at desc, id desc`;
    },

    async get(ownerId: string, id: string): Promise<SignalSourceRow | null> {
      const [row] = await sql<SignalSourceRow[]>`
        select ${columns} from signal_sources where id = ${id} and owner_id = ${ownerId}`;
      return row ?? null;
    },

    async rotate(ownerId: string, id: string, sealed: Uint8Array): Promise<SignalSourceRow | null> {
      const [row] = await sql<SignalSourceRow[]>`
        update signal_sources set secret_sealed = ${sealed}, secret_rotated_at = now()
        where id = ${id} and owner_id = ${ownerId}
        returning ${columns}`;
      return row ?? null;
    },

    async remove(ownerId: string, id: string): Promise<boolean> {
      const deleted = await sql`
        delete from signal_sources where id = ${id} and owner_id = ${ownerId}`;
      return deleted.count > 0;
    },

    /** The source a webhook names, for the intake (no owner check: the secret decides). */
    async forIntake(id: string): Promise<IntakeSource | null> {
      const [row] = await sql<IntakeSource[]>`
        select ${columns}, secret_sealed from signal_sources where id = ${id}`;
      return row ?? null;
    },

    async logDelivery(sourceId: string, record: DeliveryRecord): Promise<void> {
      // A reason may quote the sender's text: keep it storable and short.
      const reason = record.reason?.replaceAll("\u0000", "").toWellFormed().slice(0, 500) ?? null;
      await sql`insert into signal_deliveries ${sql({ source_id: sourceId, ...record, reason })}`;
    },

    /** The newest deliveries of an owner's source, newest first, before id `before`. */
    deliveries(
      ownerId: string,
      sourceId: string,
      limit: number,
      before: string | null,
    ): Promise<DeliveryRow[]> {
      return sql<DeliveryRow[]>`
        select d.id::text, d.received_at, d.outcome, d.reason, d.signal_id, d.ticker, d.alert_id
        from signal_deliveries d join signal_sources s on s.id = d.source_id
        where d.source_id = ${sourceId} and s.owner_id = ${ownerId}
          ${before === null ? sql`` : sql`and d.id < ${before}::bigint`}
        order by d.id desc
        limit ${limit}`;
    },
  };
}

/** The store's type. */
export type SignalSourceStore = ReturnType<typeof createSignalSourceStore>;
