-- The signal log: every signal the dispatcher consumes (and every message it rejects), written
-- inside the batch's claim statement, one row per signal, partitioned by day so retention drops
-- whole partitions instead of deleting rows. Decisions are not stored: filtered and stale follow
-- from the signal and the pipeline's version at that time (pipeline_versions below), claimed and
-- skipped_busy from the executions and their time spans (see shared/signal_log/decisions.ts).

CREATE TABLE signal_log (
  -- The producer's signal_id, or the dispatcher's `kafka:topic:partition:offset:index`.
  signal_id    text NOT NULL,
  ticker       text,
  direction    text,
  confidence   double precision,
  scanner      text,
  bar_date     date,
  price        double precision,
  topic        text NOT NULL,
  partition    integer NOT NULL,
  kafka_offset bigint NOT NULL,
  -- Position of the signal in its message's `tickers` (0 for a single-signal or bad message).
  signal_index integer NOT NULL DEFAULT 0,
  -- The signal's emitted_at, else the Kafka message timestamp (what the stale rule uses).
  emitted_at   timestamptz,
  -- When the dispatcher received the message from Kafka.
  received_at  timestamptz NOT NULL,
  -- The instant the batch was decided at (the stale rule's "now").
  decided_at   timestamptz NOT NULL,
  -- The claim statement's now(): equal to queued_at of the executions it claimed.
  logged_at    timestamptz NOT NULL DEFAULT now(),
  -- NULL for an accepted signal; else why the message was rejected (not_json, invalid, …).
  reject_reason text,
  error        text
) PARTITION BY RANGE (received_at);

-- Two indexes only: each costs the dispatcher's claim statement. received_at grows, so its
-- inserts append; lists filtered by ticker, scanner or direction scan a time range of it.
CREATE INDEX signal_log_signal_idx ON signal_log (signal_id);
CREATE INDEX signal_log_received_idx ON signal_log (received_at);

-- Catches a row whose day has no partition yet (a clock far off); maintenance never drops it.
CREATE TABLE signal_log_default PARTITION OF signal_log DEFAULT;

-- Creates the partitions of the next `ahead_days` days and drops those older than
-- `retention_days` days; returns the names dropped. Serialised by an advisory lock, so every
-- dispatcher may call it.
-- $1 retention_days: days kept (today counts as one); $2 ahead_days: days created in advance.
CREATE FUNCTION signal_log_maintain(retention_days integer, ahead_days integer DEFAULT 3)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  day date;
  part record;
  cutoff date := (now() AT TIME ZONE 'UTC')::date - (retention_days - 1);
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('signal_log_maintain'));
  FOR i IN -1 .. ahead_days LOOP
    day := (now() AT TIME ZONE 'UTC')::date + i;
    IF day >= cutoff AND to_regclass(format('signal_log_%s', to_char(day, 'YYYYMMDD'))) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF signal_log FOR VALUES FROM (%L) TO (%L)',
        format('signal_log_%s', to_char(day, 'YYYYMMDD')),
        (day::timestamp AT TIME ZONE 'UTC'), ((day + 1)::timestamp AT TIME ZONE 'UTC'));
    END IF;
  END LOOP;
  FOR part IN
    SELECT c.relname FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'signal_log'::regclass AND c.relname ~ '^signal_log_\d{8}$'
      AND to_date(substring(c.relname FROM 12), 'YYYYMMDD') < cutoff
  LOOP
    EXECUTE format('DROP TABLE %I', part.relname);
    RETURN NEXT part.relname;
  END LOOP;
END $$;

SELECT signal_log_maintain(30);

-- Every version of a pipeline's matching fields, with the span it was current in. A trigger
-- keeps it, so every writer (API, tests, tools) is covered.
CREATE TABLE pipeline_versions (
  pipeline_id            uuid NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
  valid_from             timestamptz NOT NULL,
  valid_to               timestamptz,
  is_active              boolean NOT NULL,
  trigger_mode           trigger_mode NOT NULL,
  -- Upper-cased, as the dispatcher's index keeps them.
  scanner_tickers        jsonb NOT NULL,
  signal_filter          jsonb,
  max_signal_age_seconds integer,
  overlap_policy         overlap_policy NOT NULL
);
CREATE INDEX pipeline_versions_pipeline_idx ON pipeline_versions (pipeline_id, valid_from DESC);
CREATE INDEX pipeline_versions_tickers_idx ON pipeline_versions
  USING gin (scanner_tickers jsonb_path_ops) WHERE trigger_mode = 'signal';

CREATE FUNCTION pipeline_versions_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.is_active, OLD.trigger_mode, OLD.scanner_tickers,
      OLD.signal_filter, OLD.max_signal_age_seconds, OLD.overlap_policy)
    IS NOT DISTINCT FROM (NEW.is_active, NEW.trigger_mode, NEW.scanner_tickers,
      NEW.signal_filter, NEW.max_signal_age_seconds, NEW.overlap_policy) THEN
    RETURN NULL;
  END IF;
  UPDATE pipeline_versions SET valid_to = now()
  WHERE pipeline_id = NEW.id AND valid_to IS NULL;
  INSERT INTO pipeline_versions (pipeline_id, valid_from, is_active, trigger_mode,
    scanner_tickers, signal_filter, max_signal_age_seconds, overlap_policy)
  VALUES (NEW.id, now(), NEW.is_active, NEW.trigger_mode,
    coalesce((SELECT jsonb_agg(DISTINCT upper(t)) FROM jsonb_array_elements_text(
      NEW.scanner_tickers) AS t), '[]'),
    NEW.signal_filter, NEW.max_signal_age_seconds, NEW.overlap_policy);
  RETURN NULL;
END $$;

CREATE TRIGGER pipeline_versions_record AFTER INSERT OR UPDATE ON pipelines
  FOR EACH ROW EXECUTE FUNCTION pipeline_versions_record();

-- Pipelines that exist already: their current version, as of their creation (the best known).
INSERT INTO pipeline_versions (pipeline_id, valid_from, is_active, trigger_mode, scanner_tickers,
  signal_filter, max_signal_age_seconds, overlap_policy)
SELECT p.id, p.created_at, p.is_active, p.trigger_mode,
  coalesce((SELECT jsonb_agg(DISTINCT upper(t)) FROM jsonb_array_elements_text(
    p.scanner_tickers) AS t), '[]'),
  p.signal_filter, p.max_signal_age_seconds, p.overlap_policy
FROM pipelines p;
