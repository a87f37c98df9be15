/**
 * One row of the signal log as the dispatcher writes it (migration 0018): every signal it
 * consumed, or a message it rejected, with where it came from and when. Written inside the
 * batch's claim statement ({@linkcode signalLogInsert}), never a statement per signal.
 */
import type { Sql } from "../db.ts";
import { arrayLiteral } from "../array_literal.ts";

/** A signal log row; optional fields are absent (NULL) for a rejected message. */
export interface SignalLogRow {
  signal_id: string;
  ticker?: string;
  direction?: string;
  confidence?: number;
  scanner?: string;
  bar_date?: string;
  price?: number;
  topic: string;
  partition: number;
  kafka_offset: string;
  signal_index: number;
  emitted_at?: string;
  received_at: string;
  decided_at: string;
  reject_reason?: string;
  error?: string;
  /** A private signal's owner and source (migration 0020); absent on public signals. */
  owner_id?: string;
  source?: string;
  /** The confluences this signal fired (migration 0026), whether or not the claim took them. */
  confluence_fires?: ConfluenceFireLog[];
}

/** A confluence fire as logged on its firing signal's row. */
export interface ConfluenceFireLog {
  pipeline_id: string;
  /** The fire's deterministic `confluence:…` id. */
  signal_id: string;
  /** The ids of the signals that formed it, this one included. */
  contributors: string[];
}

/** Longest rejection error kept, in characters. */
export const MAX_REJECT_ERROR_LENGTH = 2000;

/** The insert of `rows`, as a fragment to run inside another statement (a CTE). */
export function signalLogInsert(sql: Sql, rows: readonly SignalLogRow[]) {
  const column = <K extends keyof SignalLogRow>(key: K) =>
    arrayLiteral(rows.map((r) => (r[key] ?? null) as string | number | null));
  const fires = arrayLiteral(
    rows.map((r) => r.confluence_fires ? JSON.stringify(r.confluence_fires) : null),
  );
  // $1-$19: one array per column, in the insert's order, each sent as its literal (see
  // array_literal.ts; a column of NULLs is `{}`, padded back by unnest). Arrays rather than one
  // JSON document: Postgres parses them in about half the time json_to_recordset takes. Timestamps
  // travel as text, cast by Postgres.
  return sql`
    insert into signal_log (signal_id, ticker, direction, confidence, scanner, bar_date, price,
      topic, partition, kafka_offset, signal_index, emitted_at, received_at, decided_at,
      reject_reason, error, owner_id, source, confluence_fires)
    select * from unnest(${column("signal_id")}::text[], ${column("ticker")}::text[],
      ${column("direction")}::text[], ${column("confidence")}::float8[],
      ${column("scanner")}::text[], ${column("bar_date")}::date[], ${column("price")}::float8[],
      ${column("topic")}::text[], ${column("partition")}::int[],
      ${column("kafka_offset")}::bigint[], ${column("signal_index")}::int[],
      ${column("emitted_at")}::text[]::timestamptz[], ${
    column("received_at")
  }::text[]::timestamptz[],
      ${column("decided_at")}::text[]::timestamptz[], ${column("reject_reason")}::text[],
      ${column("error")}::text[], ${column("owner_id")}::uuid[], ${column("source")}::text[],
      ${fires}::text[]::jsonb[])`;
}
