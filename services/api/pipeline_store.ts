/**
 * Pipelines in Postgres, always scoped to their owner. Every change runs in one transaction with
 * its `pg_notify` on PIPELINE_CHANGES_CHANNEL, so listeners hear of exactly the committed changes.
 */
import type postgres from "postgres";
import type { Sql } from "../../shared/db.ts";
import { PIPELINE_CHANGES_CHANNEL } from "../../shared/names.ts";
import type { Pipeline, PipelineChange, TriggerMode } from "../../shared/schemas/pipeline.ts";
import { PIPELINE_BODY_FIELDS, type PipelineBody } from "../../shared/schemas/pipeline_request.ts";
import type { PageCursor } from "./page_cursor.ts";

/** A stored pipeline plus its position for keyset pagination. */
export type PipelineRow = Pipeline & { sort_key: string };

/** Filters and page of {@linkcode PipelineStore.list}. */
export interface PipelineFilter {
  trigger_mode?: TriggerMode | undefined;
  is_active?: boolean | undefined;
  /** Normalised ticker the pipeline watches. */
  ticker?: string | undefined;
  limit: number;
  after?: PageCursor | null | undefined;
}

/** Owner-scoped pipeline queries; a pipeline of another owner behaves as absent. */
export interface PipelineStore {
  create(ownerId: string, body: PipelineBody): Promise<PipelineRow>;
  get(ownerId: string, id: string): Promise<PipelineRow | null>;
  list(ownerId: string, filter: PipelineFilter): Promise<PipelineRow[]>;
  /** Locks the row, computes the new body from it (may throw to abort), writes it. */
  update(
    ownerId: string,
    id: string,
    next: (current: PipelineRow) => PipelineBody,
  ): Promise<PipelineRow | null>;
  remove(ownerId: string, id: string): Promise<boolean>;
}

/** Creates the store over `sql`. */
export function createPipelineStore(sql: Sql): PipelineStore {
  const notify = (tx: postgres.TransactionSql, change: PipelineChange) =>
    tx`select pg_notify(${PIPELINE_CHANGES_CHANNEL}, ${JSON.stringify(change)})`;
  const values = (body: PipelineBody) => pipelineColumns(sql, body);

  return {
    create: (ownerId, body) =>
      sql.begin(async (tx) => {
        const [row] = await tx<[PipelineRow]>`
          insert into pipelines ${tx({ owner_id: ownerId, ...values(body) })}
          returning *, created_at::text as sort_key`;
        await notify(tx, { op: "upsert", id: row.id });
        return row;
      }) as Promise<PipelineRow>,

    async get(ownerId, id) {
      const [row] = await sql<PipelineRow[]>`
        select *, created_at::text as sort_key from pipelines
        where id = ${id} and owner_id = ${ownerId}`;
      return row ?? null;
    },

    list(ownerId, f) {
      return sql<PipelineRow[]>`
        select *, created_at::text as sort_key from pipelines
        where owner_id = ${ownerId}
          ${f.trigger_mode ? sql`and trigger_mode = ${f.trigger_mode}` : sql``}
          ${f.is_active === undefined ? sql`` : sql`and is_active = ${f.is_active}`}
          ${f.ticker ? sql`and scanner_tickers @> ${sql.json([f.ticker])}` : sql``}
          ${
        f.after
          ? sql`and (created_at, id) < (${f.after.at}::timestamptz, ${f.after.id}::uuid)`
          : sql``
      }
        order by created_at desc, id desc
        limit ${f.limit}`;
    },

    update: (ownerId, id, next) =>
      sql.begin(async (tx) => {
        const [current] = await tx<PipelineRow[]>`
          select *, created_at::text as sort_key from pipelines
          where id = ${id} and owner_id = ${ownerId} for update`;
        if (!current) return null;
        const [row] = await tx<[PipelineRow]>`
          update pipelines set ${tx(values(next(current)))}, updated_at = now()
          where id = ${id}
          returning *, created_at::text as sort_key`;
        await notify(tx, { op: "upsert", id });
        return row;
      }) as Promise<PipelineRow | null>,

    remove: (ownerId, id) =>
      sql.begin(async (tx) => {
        const deleted = await tx`delete from pipelines where id = ${id} and owner_id = ${ownerId}`;
        if (deleted.count === 0) return false;
        await notify(tx, { op: "delete", id });
        return true;
      }) as Promise<boolean>,
  };
}

/** `body` as column values for an insert or update; objects go to jsonb, nulls stay SQL NULL. */
export function pipelineColumns(sql: Sql, body: PipelineBody): Record<string, unknown> {
  return Object.fromEntries(PIPELINE_BODY_FIELDS.map((k) => {
    const v = body[k];
    return [k, v !== null && typeof v === "object" ? sql.json(v as never) : v];
  }));
}
