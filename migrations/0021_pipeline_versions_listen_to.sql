-- A pipeline version records its listen_to (which scopes and sources it hears, and its
-- confluence), so decisions derived on read apply the same rule the dispatcher applied then
-- (see services/api/signal_decisions.ts).
ALTER TABLE pipeline_versions ADD COLUMN listen_to jsonb;

-- The best known: the current versions take the pipelines' listen_to of today.
UPDATE pipeline_versions v SET listen_to = p.listen_to
FROM pipelines p WHERE p.id = v.pipeline_id AND v.valid_to IS NULL;

CREATE OR REPLACE FUNCTION pipeline_versions_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.is_active, OLD.trigger_mode, OLD.scanner_tickers,
      OLD.signal_filter, OLD.max_signal_age_seconds, OLD.overlap_policy, OLD.listen_to)
    IS NOT DISTINCT FROM (NEW.is_active, NEW.trigger_mode, NEW.scanner_tickers,
      NEW.signal_filter, NEW.max_signal_age_seconds, NEW.overlap_policy, NEW.listen_to) THEN
    RETURN NULL;
  END IF;
  UPDATE pipeline_versions SET valid_to = now()
  WHERE pipeline_id = NEW.id AND valid_to IS NULL;
  INSERT INTO pipeline_versions (pipeline_id, valid_from, is_active, trigger_mode,
    scanner_tickers, signal_filter, max_signal_age_seconds, overlap_policy, listen_to)
  VALUES (NEW.id, now(), NEW.is_active, NEW.trigger_mode,
    coalesce((SELECT jsonb_agg(DISTINCT upper(t)) FROM jsonb_array_elements_text(
      NEW.scanner_tickers) AS t), '[]'),
    NEW.signal_filter, NEW.max_signal_age_seconds, NEW.overlap_policy, NEW.listen_to);
  RETURN NULL;
END $$;
