-- The confluences a signal fired, on that signal's log row, written in the batch's claim statement
-- like the rest of the row: [{"pipeline_id", "signal_id", "contributors": [signal ids]}], NULL
-- when it fired none (almost always). A fire the claim refused (the pipeline was busy) leaves no
-- execution, so without it its contributors could not be told from signals that formed no quorum.
ALTER TABLE signal_log ADD COLUMN confluence_fires jsonb;
