-- Live signal feed: announce that the signal log grew, once per statement.
--
-- The dispatcher writes a batch's signals inside its one claim statement, so a FOR EACH STATEMENT
-- trigger costs one pg_notify per batch and no round trip. The payload is empty: the API's live
-- hub wakes the open signal pages, and each re-reads its own filtered rows through the signal
-- store. (No transition table: signal_log is partitioned, and the listeners need no rows.)
--
-- Channel: tickwire_signal_log.

CREATE FUNCTION notify_signal_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tickwire_signal_log', '');
  RETURN NULL;
END $$;

CREATE TRIGGER signal_log_notify
  AFTER INSERT ON signal_log
  FOR EACH STATEMENT EXECUTE FUNCTION notify_signal_log();
