/**
 * Keeps the pipeline index current: a full load at start and every CACHE_REFRESH_INTERVAL_SECONDS
 * (built off to the side, then swapped, so matching never waits), plus the API's NOTIFY on
 * `tickwire_pipeline_changes` reloading one pipeline within milliseconds. Changes announced
 * while a full load is in flight are re-applied after the swap so the older snapshot can't undo
 * them.
 */
import type { Sql } from "../../shared/db.ts";
import { errorMessage } from "../../shared/errors.ts";
import type { Logger } from "../../shared/logging.ts";
import { followPipelineChanges } from "../../shared/follow_changes.ts";
import type { PipelineChange } from "../../shared/schemas/pipeline.ts";
import { PipelineIndex, type PipelineRow, toMatchablePipeline } from "./pipeline_index.ts";
import type { DispatcherMetrics } from "./metrics.ts";

/** Options of {@linkcode createPipelineCache}. */
export interface PipelineCacheOptions {
  sql: Sql;
  log: Logger;
  metrics: DispatcherMetrics;
  /** Full refresh period (CACHE_REFRESH_INTERVAL_SECONDS, default 30 s). */
  refreshIntervalMs: number;
}

/** The live index and its maintenance. */
export interface PipelineCache {
  /** The current index (replaced by each full refresh; read it per batch). */
  index(): PipelineIndex;
  /** Loads everything and listens for changes; resolves once the first load is in. */
  start(signal: AbortSignal): Promise<void>;
  /** Loads every active signal pipeline and swaps the index. */
  refresh(): Promise<void>;
  /** Reloads some pipelines (removing those no longer matchable). */
  reload(ids: readonly string[]): Promise<void>;
}

const COLUMNS = [
  "id",
  "owner_id",
  "listen_to",
  "trigger_mode",
  "is_active",
  "scanner_tickers",
  "signal_filter",
  "max_signal_age_seconds",
  "overlap_policy",
] as const;

/** Rows per read of a full load. */
const LOAD_ROWS = 2_000;

/** Creates the cache; nothing is loaded before `start`. */
export function createPipelineCache(options: PipelineCacheOptions): PipelineCache {
  const { sql, log, metrics } = options;
  let current = new PipelineIndex();
  let changedDuringRefresh: Set<string> | null = null;

  const matchable = (row: PipelineRow) => {
    try {
      return toMatchablePipeline(row);
    } catch (error) {
      log.warn("Pipeline left out of matching: {error}", { error: errorMessage(error) });
      return null;
    }
  };

  let inFlight: Promise<void> | null = null;
  const refresh = () => inFlight ??= loadAll().finally(() => inFlight = null);

  const loadAll = async () => {
    changedDuringRefresh = new Set();
    try {
      metrics.dbStatements.inc({ statement: "pipelines_load" });
      // Read through a cursor, a few thousand rows at a time: 100 000 rows read at once held
      // every row (parsed JSON included) beside the index being built.
      const next = new PipelineIndex();
      await sql<PipelineRow[]>`
        select ${sql(COLUMNS)} from pipelines where is_active and trigger_mode = 'signal'`
        .cursor(LOAD_ROWS, (rows) => {
          for (const row of rows) {
            const pipeline = matchable(row);
            if (pipeline) next.upsert(pipeline);
          }
        });
      current = next;
      const again = [...changedDuringRefresh];
      changedDuringRefresh = null;
      if (again.length > 0) await reload(again);
    } finally {
      changedDuringRefresh = null;
    }
    metrics.pipelinesIndexed.set(current.size);
  };

  const reload = async (ids: readonly string[]) => {
    for (const id of ids) changedDuringRefresh?.add(id);
    metrics.dbStatements.inc({ statement: "pipelines_load" });
    const rows = await sql<PipelineRow[]>`
      select ${sql(COLUMNS)} from pipelines where id = any(${ids as string[]}::uuid[])`;
    const found = new Map(rows.map((r) => [r.id, r]));
    for (const id of ids) {
      const row = found.get(id);
      const pipeline = row ? matchable(row) : null;
      if (pipeline) current.upsert(pipeline);
      else current.remove(id);
    }
    metrics.pipelinesIndexed.set(current.size);
  };

  const onChange = ({ op, id }: PipelineChange) => {
    if (op === "delete") {
      changedDuringRefresh?.add(id);
      current.remove(id);
      metrics.pipelinesIndexed.set(current.size);
      return;
    }
    reload([id]).catch((error) =>
      log.warn("Cannot reload pipeline {id}: {error} (the next refresh will)", {
        id,
        error: errorMessage(error),
      })
    );
  };

  const start = async (signal: AbortSignal) => {
    await followPipelineChanges(sql, {
      onChange,
      onResync: () => refresh().catch(() => {}),
    }, { signal, log });
    await refresh();
    const timer = setInterval(() => {
      refresh().catch((error) =>
        log.warn("Cannot refresh pipelines: {error} (matching goes on with the last index)", {
          error: errorMessage(error),
        })
      );
    }, options.refreshIntervalMs);
    signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  };

  return { index: () => current, start, refresh, reload };
}
