/**
 * One row of the signal log as the dispatcher writes it (migration 0018): every signal it
 * consumed, or a message it rejected, with where it came from and when. Written inside the
 * batch's claim statement ({@linkcode signalLogInsert}), never a statement per signal.
 */
import type { Sql } from "../db.ts";

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
}

/** Longest rejection error kept, in characters. */
export const MAX_REJECT_ERROR_LENGTH = 2000;

/** The insert of `rows`, as a fragment to run inside another statement (a CTE). */
export function signalLogInsert(sql: Sql, rows: readonly SignalLogRow[]) {
  // $1: jsonb array of SignalLogRow.
  return sql`
    insert into signal_log (signal_id, ticker, direction, confidence, scanner, bar_date, price,
      topic, partition, kafka_offset, signal_index, emitted_at, received_at, decided_at,
      reject_reason, error, owner_id, source)
    select * from jsonb_to_recordset(${sql.json(rows as never)}::jsonb) as r(
      signal_id text, ticker text, direction text, confidence float8, scanner text, bar_date date,
      price double precision, topic text, partition integer, kafka_offset bigint,
      signal_index integer, emitted_at timestamptz, received_at timestamptz,
      decided_at timestamptz, reject_reason text, error text, owner_id uuid, source text)`;
}
