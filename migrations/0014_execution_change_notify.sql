-- Live pages: announce which pipelines' executions changed, once per statement, not per row.
--
-- The dispatcher's claim inserts a whole batch in one statement and the worker's group commit
-- finishes many runs in one UPDATE, so a FOR EACH STATEMENT trigger with transition tables adds
-- no round trip and at most one pg_notify per 200 pipelines to those statements; row-level
-- triggers would run once per execution. Heartbeats and other updates that leave status and
-- attempts alone notify nothing. Listeners (the API's live hub) re-read what they show.
--
-- Channel: tickwire_execution_changes. Payload: comma-separated pipeline ids (at most 200,
-- 7.4 KB, under NOTIFY's 8000-byte limit).

CREATE FUNCTION notify_execution_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text;
BEGIN
  FOR ids IN
    SELECT string_agg(pipeline_id::text, ',')
    FROM (SELECT pipeline_id, row_number() OVER () - 1 AS n
          FROM (SELECT DISTINCT pipeline_id FROM new_rows) d) numbered
    GROUP BY n / 200
  LOOP
    PERFORM pg_notify('tickwire_execution_changes', ids);
  END LOOP;
  RETURN NULL;
END $$;

CREATE FUNCTION notify_execution_updates() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text;
BEGIN
  FOR ids IN
    SELECT string_agg(pipeline_id::text, ',')
    FROM (SELECT pipeline_id, row_number() OVER () - 1 AS n
          FROM (SELECT DISTINCT n.pipeline_id FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE o.status IS DISTINCT FROM n.status
                   OR o.attempts IS DISTINCT FROM n.attempts) d) numbered
    GROUP BY n / 200
  LOOP
    PERFORM pg_notify('tickwire_execution_changes', ids);
  END LOOP;
  RETURN NULL;
END $$;

CREATE TRIGGER pipeline_executions_notify_insert
  AFTER INSERT ON pipeline_executions
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_execution_inserts();

CREATE TRIGGER pipeline_executions_notify_update
  AFTER UPDATE ON pipeline_executions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_execution_updates();
