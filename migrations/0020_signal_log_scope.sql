-- A private signal's owner and source in the signal log, so the log's readers show it only to
-- its owner (public signals: both NULL).
ALTER TABLE signal_log ADD COLUMN owner_id uuid, ADD COLUMN source text;
