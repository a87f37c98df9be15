-- Backtest jobs of the API, in Postgres instead of Redis, so a job outlives the process that runs
-- it: its owner still reads its status after a restart. The process running a job touches
-- heartbeat_at every few seconds; a `running` job whose heartbeat stopped lost its process (a
-- restart, a crash) and is marked `interrupted` (services/api/backtest_store.ts).
CREATE TYPE backtest_status AS ENUM ('running', 'succeeded', 'failed', 'interrupted');

CREATE TABLE backtest_jobs (
  id           uuid PRIMARY KEY,
  pipeline_id  uuid NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
  owner_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  status       backtest_status NOT NULL DEFAULT 'running',
  -- The request's options (from, to, cash, price_column, ticker); an uploaded CSV is not kept.
  request      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  error        text,
  result       jsonb,
  CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX backtest_jobs_pipeline_idx ON backtest_jobs (pipeline_id, created_at DESC);
CREATE INDEX backtest_jobs_running_idx ON backtest_jobs (heartbeat_at) WHERE status = 'running';
