-- A worker's start (queued -> running), its heartbeats and a retry's return to the queue become
-- HOT updates: no index names a column they change, and each page keeps room for a row's new
-- version. Before, every start wrote a new entry into all six indexes of pipeline_executions,
-- because `status` was in three index predicates and `heartbeat_at` was a key; that was about
-- half of a no-op run's Postgres time (deno task bench --only=workers, see README).
--
-- "Active" (queued or running) is now also stated as `finished_at IS NULL`, which only a run's
-- end changes, and the CHECK keeps the two in step: every index that meant "queued or running"
-- says `finished_at IS NULL`, and the sweeps filter the status out of that one index.

UPDATE pipeline_executions
SET finished_at = coalesce(heartbeat_at, started_at, queued_at)
WHERE status NOT IN ('queued', 'running') AND finished_at IS NULL;
UPDATE pipeline_executions
SET finished_at = NULL
WHERE status IN ('queued', 'running') AND finished_at IS NOT NULL;
ALTER TABLE pipeline_executions ADD CONSTRAINT pipeline_executions_finished_check
  CHECK ((status IN ('queued', 'running')) = (finished_at IS NULL));

-- Three fifths of each page are left free for new versions: a start updates a whole batch of rows
-- inserted together, each row grows (started_at, heartbeat_at, worker_id), and a HOT update must
-- find room on its own page (at 50, 4 starts in 50 of the smallest rows did not).
ALTER TABLE pipeline_executions SET (fillfactor = 40);

-- The one-active-execution guard, unchanged in meaning.
CREATE UNIQUE INDEX pipeline_executions_active_slot_key_new
  ON pipeline_executions (pipeline_id, active_slot)
  WHERE finished_at IS NULL;
DROP INDEX pipeline_executions_active_slot_key;
ALTER INDEX pipeline_executions_active_slot_key_new RENAME TO pipeline_executions_active_slot_key;

-- Executions not finished, oldest first: the sweeps of lost queued runs and abandoned running
-- ones read it (their rows are the backlog plus the runs in flight), filtering on status.
CREATE INDEX pipeline_executions_unfinished_idx ON pipeline_executions (queued_at)
  WHERE finished_at IS NULL;
DROP INDEX pipeline_executions_queued_idx;
DROP INDEX pipeline_executions_running_idx;
