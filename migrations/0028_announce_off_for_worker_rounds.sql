-- The worker's start and outcome rounds announce on Redis (shared/announce_changes.ts), as the
-- dispatcher's claim does since 0025: a round turns tickwire.announce off for its own transaction
-- (set_config(…, true) in the statement), and this trigger then notifies nothing.
--
-- Why: the trigger ran once per round, whatever its size: 60 to 140 µs of the round backend's CPU
-- (measured with 2 to 5 starts and outcomes a round; 2-5 % of a round of 25 and 25), and each of
-- its NOTIFYs cost every LISTEN backend of the database a transaction, 80 to 87 µs each. Other
-- writers (the API, the scheduler, the worker's heartbeats and failures) keep notifying as before.

CREATE OR REPLACE FUNCTION notify_execution_updates() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text;
BEGIN
  IF current_setting('tickwire.announce', true) = 'off' THEN
    RETURN NULL;
  END IF;
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
