-- Runs recorded before 0022 as `skipped` with result.halted.outcome = 'rejected' become
-- `rejected`, and so does the step that refused the trade (it was `halted`).
UPDATE pipeline_executions e
SET status = 'rejected',
  steps = coalesce((
    SELECT jsonb_agg(
      CASE WHEN s ->> 'id' = e.result -> 'halted' ->> 'step' AND s ->> 'status' = 'halted'
        THEN jsonb_set(s, '{status}', '"rejected"') ELSE s END ORDER BY i)
    FROM jsonb_array_elements(e.steps) WITH ORDINALITY AS t(s, i)), e.steps)
WHERE e.status = 'skipped' AND e.result -> 'halted' ->> 'outcome' = 'rejected';
