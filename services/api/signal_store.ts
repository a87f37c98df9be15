/**
 * The signal log as the API reads it: public signals are visible to every user, a private signal
 * only to its owner; decisions only for the caller's pipelines (see signal_decisions.ts).
 */
import type { Sql } from "../../shared/db.ts";
import { firstDelivery } from "../../shared/signal_log/first_delivery.ts";
import type { PageCursor } from "./page_cursor.ts";
import { type DecisionRow, decisionsOf } from "./signal_decisions.ts";

/** One signal log row plus its position for keyset pagination. */
export interface SignalRow {
  signal_id: string;
  ticker: string | null;
  direction: string | null;
  confidence: number | null;
  scanner: string | null;
  bar_date: string | null;
  price: number | null;
  topic: string;
  partition: number;
  kafka_offset: string;
  signal_index: number;
  emitted_at: Date | null;
  received_at: Date;
  decided_at: Date;
  logged_at: Date;
  reject_reason: string | null;
  error: string | null;
  sort_key: string;
}

/** A paper order, as a signal's lineage shows it. */
export interface PaperOrderRow {
  id: string;
  execution_id: string;
  step_id: string | null;
  ticker: string;
  side: "buy" | "sell";
  quantity: string;
  fill_price: string | null;
  status: "filled" | "rejected";
  reject_reason: string | null;
}

/** Filters of the signal list; every one optional. */
export interface SignalFilters {
  ticker?: string | undefined;
  scanner?: string | undefined;
  direction?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * Signal log rows `viewer` may see: public signals and their own private ones, each delivery once
 * (a redelivered batch's second logging is left out: {@linkcode firstDelivery}).
 */
export function visibleTo(sql: Sql, viewer: string) {
  return sql`(owner_id is null or owner_id = ${viewer}::uuid) and ${firstDelivery(sql)}`;
}

/** Creates the store over `sql`. */
export function createSignalStore(sql: Sql) {
  const columns = sql`signal_id, ticker, direction, confidence, scanner, bar_date::text,
    price, topic, partition, kafka_offset::text, signal_index, emitted_at, received_at,
    decided_at, logged_at, reject_reason, error, received_at::text as sort_key`;
  // $viewer: the caller; another user's private signal behaves as absent.
  const visible = (viewer: string) => visibleTo(sql, viewer);
  const where = (f: SignalFilters, viewer: string) =>
    sql`reject_reason is null and ${visible(viewer)}
      ${f.ticker ? sql`and ticker = ${f.ticker}` : sql``}
      ${f.scanner ? sql`and scanner = ${f.scanner}` : sql``}
      ${f.direction ? sql`and direction = ${f.direction}` : sql``}
      ${f.from ? sql`and received_at >= ${f.from}::timestamptz` : sql``}
      ${f.to ? sql`and received_at < ${f.to}::timestamptz` : sql``}`;
  const after = (cursor: PageCursor | null) =>
    cursor ? sql`and (received_at, signal_id) < (${cursor.at}::timestamptz, ${cursor.id})` : sql``;

  return {
    /** Paper orders the given executions placed, oldest first. */
    ordersOf(executionIds: readonly string[]) {
      if (executionIds.length === 0) return Promise.resolve([]);
      return sql<PaperOrderRow[]>`
        select id, execution_id, step_id, ticker, side, quantity::text, fill_price::text, status,
          reject_reason
        from paper_orders where execution_id = any(${executionIds as string[]}::uuid[])
        order by created_at, id`;
    },

    /** Accepted signals `viewer` may see, newest first. */
    list(
      viewer: string,
      filters: SignalFilters,
      page: { limit: number; after: PageCursor | null },
    ) {
      return sql<SignalRow[]>`
        select ${columns} from signal_log
        where ${where(filters, viewer)} ${after(page.after)}
        order by received_at desc, signal_id desc
        limit ${page.limit}`;
    },

    /** A signal `viewer` may see, by id (its first delivery), accepted or not. */
    async get(viewer: string, signalId: string): Promise<SignalRow | null> {
      const [row] = await sql<SignalRow[]>`
        select ${columns} from signal_log where signal_id = ${signalId} and ${visible(viewer)}
        order by received_at limit 1`;
      return row ?? null;
    },

    /** The owner's decisions on one signal, by pipeline name. */
    decisionsOn(ownerId: string, signalId: string) {
      return sql<DecisionRow[]>`
        select * from (${
        decisionsOf(
          sql,
          ownerId,
          sql`select * from signal_log where signal_id = ${signalId} and reject_reason is null
            and ${visible(ownerId)} order by received_at limit 1`,
        )
      }) d order by pipeline_name, pipeline_id`;
    },

    /**
     * One pipeline's decisions on the newest `limit` signals for the tickers it ever watched;
     * a signal it did not reach (inactive then, or not its ticker then) has NULL decision columns.
     */
    decisionsOf(
      ownerId: string,
      pipelineId: string,
      page: { limit: number; after: PageCursor | null },
    ) {
      const signals = sql`
        select * from signal_log
        where reject_reason is null and ${visible(ownerId)} ${after(page.after)}
          and ticker in (select jsonb_array_elements_text(v.scanner_tickers)
            from pipeline_versions v where v.pipeline_id = ${pipelineId})
          and received_at >= (select min(valid_from) - interval '1 minute'
            from pipeline_versions where pipeline_id = ${pipelineId})
        order by received_at desc, signal_id desc
        limit ${page.limit}`;
      return sql<(Nullable<DecisionRow> & { signal_id: string; sort_key: string })[]>`
        select d.*, d.received_at::text as sort_key
        from (${decisionsOf(sql, ownerId, signals, { pipelineId, keepUnreached: true })}) d
        order by d.received_at desc, d.signal_id desc`;
    },
  };
}

type Nullable<T> = { [K in keyof T]: T[K] | null };

/** The store's type. */
export type SignalStore = ReturnType<typeof createSignalStore>;
