-- A session that sets tickwire.announce = 'off' (the dispatcher, when it connects) inserts
-- executions and signal log rows without NOTIFY; it announces the same events on Redis instead,
-- in the round trip that enqueues the batch's jobs (services/dispatcher/announce_changes.ts).
--
-- Why: Postgres wakes every LISTEN backend of the database on each NOTIFY, whatever the channel,
-- and each reads the queue in a transaction of its own. The claim statement's two announcements
-- (0014, 0019) cost every listener (the dispatcher's and the scheduler's pipeline followers, the
-- API's live hub) a transaction per batch: the bench counted 1.8 transactions per batch, not 1.
-- Other writers (the API, the scheduler, the worker) keep notifying as before.

CREATE OR REPLACE FUNCTION notify_execution_inserts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text;
BEGIN
  IF current_setting('tickwire.announce', true) = 'off' THEN
    RETURN NULL;
  END IF;
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

CREATE OR REPLACE FUNCTION notify_signal_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('tickwire.announce', true) = 'off' THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('tickwire_signal_log', '');
  RETURN NULL;
END $$;
