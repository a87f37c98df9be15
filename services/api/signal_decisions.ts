/**
 * Per-(signal, pipeline) decisions, derived on read instead of stored (a row per decision would
 * be 500 000 rows/s at 50 000 signals/s and ten pipelines per ticker). The dispatcher decides
 * from the signal and the pipeline as it was, so:
 * - the pipelines a signal reached are the active signal-mode versions (pipeline_versions)
 *   current at the batch's `decided_at` whose tickers hold the signal's ticker and whose
 *   listen_to hears it (the dispatcher's `hearsSignal`, in its SQL form);
 * - `claimed`: an execution exists for (pipeline, signal_id), or, on a confluence pipeline, the
 *   confluence run that lists the signal among its contributors;
 * - `filtered`: the version's signal_filter rejects it, naming the first failing condition in
 *   the dispatcher's order (signal_type, min_confidence, max_confidence, scanner), or the
 *   confluence does not name its source (`source`);
 * - `stale`: `decided_at - emitted_at` exceeds the version's max_signal_age_seconds;
 * - `skipped_busy`: a plain pipeline's match that was not claimed, or a confluence pipeline's
 *   contributor to a fire the claim refused (the firing signal's log row lists the fire and its
 *   contributors, `confluence_fires`); the run holding the slot is the pipeline's latest
 *   execution queued by that claim statement's time (`logged_at`) and not finished by then;
 * - `no_quorum`: a confluence pipeline kept it, and no fire it contributed to was logged (yet).
 * Limits: a pipeline change reaches the dispatcher's cache a moment after it is committed, so a
 * signal decided in that moment may be explained by the newer version; a signal Kafka delivered
 * twice has two log rows; a fire is looked for among the signals received up to the window plus
 * the pipeline's age limit (a day without one) after its contributor.
 */
import type postgres from "postgres";
import type { Sql } from "../../shared/db.ts";
import {
  hearsSignalSql,
  namedByConfluenceSql,
  type ScopeColumns,
} from "../../shared/signals/signal_scope.ts";

/** Reasons a (signal, pipeline) pair can end with. */
export const DECISIONS = ["claimed", "skipped_busy", "filtered", "stale", "no_quorum"] as const;
export type Decision = (typeof DECISIONS)[number];

/**
 * Conditions a `filtered` decision names, in the dispatcher's order: the keys of signal_filter,
 * then `source` (a confluence pipeline's `of` does not name the signal's source or scanner).
 */
export const FILTER_CONDITIONS = [
  "signal_type",
  "min_confidence",
  "max_confidence",
  "scanner",
  "source",
] as const;
export type FilterCondition = (typeof FILTER_CONDITIONS)[number];

/** One derived decision with the signal's fields. */
export interface DecisionRow {
  signal_id: string;
  ticker: string;
  scanner: string | null;
  direction: string;
  confidence: number;
  emitted_at: Date | null;
  received_at: Date;
  decided_at: Date;
  logged_at: Date;
  pipeline_id: string;
  pipeline_name: string;
  decision: Decision;
  condition: FilterCondition | null;
  age_seconds: number | null;
  max_signal_age_seconds: number | null;
  execution_id: string | null;
  execution_status: string | null;
  busy_execution_id: string | null;
  queued_at: Date | null;
  /** When the job was put on the stream (recorded by the worker at start; see analytics). */
  enqueued_at: Date | null;
  started_at: Date | null;
  attempts: number | null;
  finished_at: Date | null;
}

/** Options of {@linkcode decisionsOf}. */
export interface DecisionsOptions {
  /** Only this pipeline's decisions. */
  pipelineId?: string;
  /** Keep signals that reached none of the owner's pipelines (pipeline columns NULL); default false. */
  keepUnreached?: boolean;
}

/**
 * A query of decisions of `ownerId`'s pipelines on `signals`, a fragment selecting accepted
 * `signal_log` rows (all columns).
 */
export function decisionsOf(
  sql: Sql,
  ownerId: string,
  signals: postgres.PendingQuery<postgres.Row[]>,
  options: DecisionsOptions = {},
) {
  const scope: ScopeColumns = {
    listenTo: sql`v.listen_to`,
    ownerId: sql`p.owner_id`,
    signalOwner: sql`s.owner_id`,
    signalSource: sql`s.source`,
    signalScanner: sql`s.scanner`,
  };
  return sql`
    select s.signal_id, s.ticker, s.scanner, s.direction, s.confidence, s.emitted_at,
      s.received_at, s.decided_at, s.logged_at, d.pipeline_id, d.pipeline_name, d.decision,
      d.condition, d.age_seconds, d.max_signal_age_seconds, d.execution_id, d.execution_status,
      d.busy_execution_id, d.queued_at, d.enqueued_at, d.started_at, d.finished_at, d.attempts
    from (${signals}) s
    ${options.keepUnreached ? sql`left join lateral` : sql`join lateral`} (
      select v.pipeline_id, p.name as pipeline_name,
        case
          when e.id is not null then 'claimed'
          when c.condition is not null then 'filtered'
          when f.stale then 'stale'
          when f.confluence and q.logged_at is null then 'no_quorum'
          else 'skipped_busy'
        end as decision,
        c.condition,
        extract(epoch from s.decided_at - s.emitted_at)::float8 as age_seconds,
        v.max_signal_age_seconds,
        e.id as execution_id, e.status::text as execution_status,
        h.id as busy_execution_id, e.queued_at, e.enqueued_at, e.started_at, e.finished_at,
        e.attempts
      from pipeline_versions v
      join pipelines p on p.id = v.pipeline_id and p.owner_id = ${ownerId}
      -- The dispatcher's order: signal_filter, then age, then the confluence's sources.
      cross join lateral (select
        case
          when v.signal_filter ? 'signals'
            and not (v.signal_filter -> 'signals') ? s.direction then 'signal_type'
          when v.signal_filter ? 'min_confidence'
            and s.confidence < (v.signal_filter ->> 'min_confidence')::float8 then 'min_confidence'
          when v.signal_filter ? 'max_confidence'
            and s.confidence > (v.signal_filter ->> 'max_confidence')::float8 then 'max_confidence'
          when v.signal_filter ? 'scanners' and (s.scanner is null
            or not (v.signal_filter -> 'scanners') ? s.scanner) then 'scanner'
        end as condition,
        coalesce(s.decided_at - s.emitted_at
          > make_interval(secs => v.max_signal_age_seconds), false) as stale,
        v.listen_to -> 'confluence' is not null as confluence,
        ${namedByConfluenceSql(sql, scope)} as named) f
      cross join lateral (select coalesce(f.condition,
        case when not f.stale and not f.named then 'source' end) as condition) c
      -- Its execution: the run claimed with its id, or the confluence run it contributed to.
      left join lateral (
        select x.id, x.status, x.queued_at, x.enqueued_at, x.started_at, x.finished_at, x.attempts
        from pipeline_executions x
        where x.pipeline_id = v.pipeline_id and x.signal_id = s.signal_id
        union all
        select x.id, x.status, x.queued_at, x.enqueued_at, x.started_at, x.finished_at, x.attempts
        from pipeline_executions x
        where f.confluence and c.condition is null and not f.stale
          and x.pipeline_id = v.pipeline_id and x.signal_id like 'confluence:%'
          and x.signal -> 'confluence' -> 'contributors'
            @> jsonb_build_array(jsonb_build_object('signal_id', s.signal_id))
        limit 1) e on true
      -- A confluence pipeline's unclaimed fire this signal contributed to: logged on the firing
      -- signal, the same ticker's contributor decided last, at most the window plus the age
      -- limit after this one (received_at bounds the partitions and rows read).
      left join lateral (
        select r.logged_at from signal_log r
        where f.confluence and e.id is null and c.condition is null and not f.stale
          and r.ticker = s.ticker and r.confluence_fires is not null
          and r.received_at >= s.received_at - interval '1 minute'
          and r.received_at <= s.received_at + interval '1 minute' + make_interval(secs =>
            (v.listen_to -> 'confluence' ->> 'within_seconds')::float8
            + coalesce(v.max_signal_age_seconds, 86400))
          and r.confluence_fires @> jsonb_build_array(jsonb_build_object(
            'pipeline_id', v.pipeline_id, 'contributors', jsonb_build_array(s.signal_id)))
        order by r.received_at limit 1) q on true
      left join lateral (
        select h.id from pipeline_executions h
        where e.id is null and c.condition is null and not f.stale
          and (not f.confluence or q.logged_at is not null)
          and h.pipeline_id = v.pipeline_id and h.queued_at <= coalesce(q.logged_at, s.logged_at)
          and (h.finished_at is null or h.finished_at > coalesce(q.logged_at, s.logged_at))
        order by h.queued_at desc limit 1) h on true
      where v.trigger_mode = 'signal' and v.is_active
        and v.scanner_tickers @> jsonb_build_array(s.ticker)
        and v.valid_from <= s.decided_at and (v.valid_to is null or v.valid_to > s.decided_at)
        and ${hearsSignalSql(sql, scope)}
        ${options.pipelineId ? sql`and v.pipeline_id = ${options.pipelineId}` : sql``}
    ) d on true`;
}
