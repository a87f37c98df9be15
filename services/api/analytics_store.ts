/**
 * Analytics over the signal log, owner-scoped: the funnel (what happened to signals in the
 * caller's pipelines), latency per stage from recorded timestamps, and signal quality (did the
 * price move the signalled way `horizon` bars later, from `market_bars`).
 */
import type { Sql } from "../../shared/db.ts";
import { decisionsOf } from "./signal_decisions.ts";
import { visibleTo } from "./signal_store.ts";

/** How the funnel is grouped. */
export const FUNNEL_GROUPS = ["pipeline", "scanner", "ticker", "direction"] as const;
export type FunnelGroup = (typeof FUNNEL_GROUPS)[number];

/** A received_at range, [from, to). */
export interface TimeRange {
  from: string;
  to: string;
}

/** One funnel row; `key` is the group's value (pipeline id, scanner, ticker or direction). */
export interface FunnelRow {
  key: string | null;
  name: string | null;
  signals: number;
  matched: number;
  filtered: number;
  filtered_signal_type: number;
  filtered_min_confidence: number;
  filtered_max_confidence: number;
  filtered_scanner: number;
  filtered_source: number;
  stale: number;
  no_quorum: number;
  skipped_busy: number;
  claimed: number;
  succeeded: number;
  failed: number;
  rejected: number;
  orders: number;
}

/**
 * The stages of a signal's path whose durations are recorded, and what each spans. `enqueued_at`
 * is when the dispatcher put the job on the stream (the worker records it from the job when it
 * starts the run); a retried run's is its last retry's due time, so claimed → enqueued counts
 * first attempts only. Times come from the dispatcher's clock (received, enqueued) and
 * Postgres's (claimed, started, finished): on one host they agree.
 */
export const LATENCY_STAGES = {
  emitted_to_received: ["emitted_at", "received_at"],
  received_to_claimed: ["received_at", "queued_at"],
  claimed_to_enqueued: ["queued_at", "enqueued_at"],
  enqueued_to_started: ["enqueued_at", "started_at"],
  started_to_finished: ["started_at", "finished_at"],
} as const;
export type LatencyStage = keyof typeof LATENCY_STAGES;

/** Percentiles of one stage, in milliseconds (null without samples). */
export interface StagePercentiles {
  samples: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

/** Latency per stage, overall (pipeline_id null) or of one pipeline. */
export interface LatencyRow {
  pipeline_id: string | null;
  pipeline_name: string | null;
  stages: Record<LatencyStage, StagePercentiles>;
}

/** One signal-quality cell: a scanner, a direction and a 10-point confidence bucket. */
export interface QualityRow {
  scanner: string | null;
  direction: string;
  confidence_from: number;
  signals: number;
  resolved: number;
  hit_rate: number | null;
  mean_forward_return: number | null;
}

/** Creates the store over `sql`. */
export function createAnalyticsStore(sql: Sql) {
  // Another user's private signals count nowhere, not even as a number.
  const accepted = (range: TimeRange, viewer: string) =>
    sql`select * from signal_log where reject_reason is null and ${visibleTo(sql, viewer)}
      and received_at >= ${range.from}::timestamptz and received_at < ${range.to}::timestamptz`;

  return {
    /** Decision counts per group (pipelines by name); with `pipeline`, only signals that reached it. */
    funnel(ownerId: string, range: TimeRange, groupBy: FunnelGroup) {
      const d = decisionsOf(sql, ownerId, accepted(range, ownerId), {
        keepUnreached: groupBy !== "pipeline",
      });
      const key = {
        pipeline: sql`d.pipeline_id::text`,
        scanner: sql`d.scanner`,
        ticker: sql`d.ticker`,
        direction: sql`d.direction`,
      }[groupBy];
      const count = (condition: ReturnType<typeof sql>) =>
        sql`(count(*) filter (where ${condition}))::int`;
      return sql<FunnelRow[]>`
        select ${key} as key,
          ${groupBy === "pipeline" ? sql`min(d.pipeline_name)` : sql`null::text`} as name,
          count(distinct d.signal_id)::int as signals,
          ${count(sql`d.decision in ('claimed', 'skipped_busy', 'no_quorum')`)} as matched,
          ${count(sql`d.decision = 'filtered'`)} as filtered,
          ${count(sql`d.condition = 'signal_type'`)} as filtered_signal_type,
          ${count(sql`d.condition = 'min_confidence'`)} as filtered_min_confidence,
          ${count(sql`d.condition = 'max_confidence'`)} as filtered_max_confidence,
          ${count(sql`d.condition = 'scanner'`)} as filtered_scanner,
          ${count(sql`d.condition = 'source'`)} as filtered_source,
          ${count(sql`d.decision = 'stale'`)} as stale,
          ${count(sql`d.decision = 'no_quorum'`)} as no_quorum,
          ${count(sql`d.decision = 'skipped_busy'`)} as skipped_busy,
          ${count(sql`d.decision = 'claimed'`)} as claimed,
          ${count(sql`d.execution_status = 'succeeded'`)} as succeeded,
          ${count(sql`d.execution_status = 'failed'`)} as failed,
          ${count(sql`d.execution_status = 'rejected'`)} as rejected,
          coalesce(sum(o.n), 0)::int as orders
        from (${d}) d
        left join lateral (
          select count(*) as n from paper_orders o where o.execution_id = d.execution_id
        ) o on d.execution_id is not null
        group by 1
        order by ${groupBy === "pipeline" ? sql`2, 1` : sql`1 nulls first`}`;
    },

    /** Percentiles per stage of the owner's claimed executions, overall and per pipeline. */
    async latency(ownerId: string, range: TimeRange): Promise<LatencyRow[]> {
      // One pair of columns per LATENCY_STAGES entry: samples and [p50, p95, p99] in ms.
      const stages = Object.entries(LATENCY_STAGES) as [LatencyStage, readonly string[]][];
      const rows = await sql<Record<string, unknown>[]>`
        with d as (
          select pipeline_id, pipeline_name, ${
        stages.map(([name, [from, to]]) =>
          sql`(extract(epoch from ${sql(to!)} - ${sql(from!)}) * 1000)::float8 as ${sql(name)},`
        )
      } attempts
          from (${decisionsOf(sql, ownerId, accepted(range, ownerId))}) d
          where decision = 'claimed'
        )
        select pipeline_id, min(pipeline_name) as pipeline_name, ${
        stages.map(([name], i) => {
          // A retried run's enqueued_at is its last retry's: not its first enqueue.
          const value = name === "claimed_to_enqueued"
            ? sql`case when attempts <= 1 then ${sql(name)} end`
            : sql`${sql(name)}`;
          return sql`count(${value})::int as ${sql(`${name}_n`)},
            percentile_cont(array[0.5, 0.95, 0.99]) within group (order by ${value})
              as ${sql(name)}${i < stages.length - 1 ? sql`,` : sql``}`;
        })
      }
        from d
        group by grouping sets ((), (pipeline_id))
        order by pipeline_id nulls first`;
      return rows.map((row) => ({
        pipeline_id: row.pipeline_id as string | null,
        pipeline_name: row.pipeline_name as string | null,
        stages: Object.fromEntries(
          Object.keys(LATENCY_STAGES).map((name) => {
            const p = row[name] as number[] | null;
            const round = (v: number | undefined) =>
              v === undefined ? null : Math.round(v * 10) / 10;
            return [name, {
              samples: row[`${name}_n`] as number,
              p50_ms: round(p?.[0]),
              p95_ms: round(p?.[1]),
              p99_ms: round(p?.[2]),
            }];
          }),
        ) as Record<LatencyStage, StagePercentiles>,
      }));
    },

    /**
     * Per scanner, direction and confidence bucket: a signal is resolved once `horizon` bars
     * follow its bar_date; it hit when the close then is beyond the close at bar_date (or the
     * signal's price) in the signalled direction. The forward return is exit / entry - 1.
     */
    quality(
      viewer: string,
      range: TimeRange,
      options: { scanner?: string | undefined; horizon: number },
    ) {
      return sql<QualityRow[]>`
        with s as (
          select distinct on (signal_id) signal_id, ticker, scanner, direction, confidence,
            bar_date, price
          from signal_log
          where reject_reason is null and bar_date is not null and ${visibleTo(sql, viewer)}
            and received_at >= ${range.from}::timestamptz and received_at < ${range.to}::timestamptz
            ${options.scanner ? sql`and scanner = ${options.scanner}` : sql``}
          order by signal_id, received_at
        ), o as (
          select s.*, coalesce(b0.close, s.price::numeric) as entry, bn.close as exit
          from s
          left join market_bars b0 on b0.ticker = s.ticker and b0.date = s.bar_date
          left join lateral (
            select b.close from market_bars b where b.ticker = s.ticker and b.date > s.bar_date
            order by b.date offset ${options.horizon - 1} limit 1) bn on true
        )
        select scanner, direction, (least(floor(confidence / 10), 9) * 10)::int as confidence_from,
          count(*)::int as signals,
          count(exit * entry)::int as resolved,
          avg(case when exit is null or entry is null then null
                   when direction = 'BULLISH' and exit > entry then 1
                   when direction = 'BEARISH' and exit < entry then 1
                   else 0 end)::float8 as hit_rate,
          avg(exit / nullif(entry, 0) - 1)::float8 as mean_forward_return
        from o group by 1, 2, 3 order by 1 nulls first, 2, 3`;
    },
  };
}
