-- Users, API tokens, pipelines (as in the seed) and their executions.

CREATE TYPE trigger_mode AS ENUM ('signal', 'periodic');
CREATE TYPE overlap_policy AS ENUM ('skip', 'buffer_one', 'allow');
CREATE TYPE execution_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'skipped');
CREATE TYPE trigger_kind AS ENUM ('signal', 'periodic', 'manual');

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email         text NOT NULL,
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Tokens are random secrets; only their SHA-256 is stored.
CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash   bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

CREATE TABLE pipelines (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id               uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name                   text NOT NULL,
  description            text NOT NULL DEFAULT '',
  trigger_mode           trigger_mode NOT NULL DEFAULT 'periodic',
  scanner_tickers        jsonb NOT NULL DEFAULT '[]',
  config                 jsonb NOT NULL DEFAULT '{"steps": []}',
  is_active              boolean NOT NULL DEFAULT true,
  -- {"every_seconds": N} or {"cron": "…"}; required when trigger_mode = 'periodic'.
  schedule               jsonb,
  overlap_policy         overlap_policy NOT NULL DEFAULT 'skip',
  -- {"signals": [...], "min_confidence": N, "scanners": [...]}; every key optional.
  signal_filter          jsonb,
  max_signal_age_seconds integer CHECK (max_signal_age_seconds > 0),
  max_attempts           integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CHECK (jsonb_typeof(scanner_tickers) = 'array'),
  CHECK (trigger_mode <> 'periodic' OR schedule IS NOT NULL)
);
CREATE INDEX pipelines_trigger_mode_idx ON pipelines (trigger_mode);
CREATE INDEX pipelines_owner_idx ON pipelines (owner_id, created_at DESC);
CREATE INDEX pipelines_tickers_idx ON pipelines USING gin (scanner_tickers jsonb_path_ops);

CREATE TABLE pipeline_executions (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pipeline_id       uuid NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
  status            execution_status NOT NULL DEFAULT 'queued',
  trigger_kind      trigger_kind NOT NULL,
  -- Which of the pipeline's active slots this execution holds while queued or running:
  -- 0 for 'skip', 0 or 1 for 'buffer_one', NULL (unguarded) for 'allow'.
  active_slot       smallint CHECK (active_slot IN (0, 1)),
  -- Identity of the triggering signal (or tick); one execution per (pipeline, signal_id).
  signal_id         text,
  signal            jsonb,
  attempts          integer NOT NULL DEFAULT 0,
  max_attempts      integer NOT NULL DEFAULT 3,
  steps             jsonb NOT NULL DEFAULT '[]',
  result            jsonb,
  error             text,
  worker_id         text,
  signal_emitted_at timestamptz,
  received_at       timestamptz,
  queued_at         timestamptz NOT NULL DEFAULT now(),
  -- Last time the job was put on the stream by the sweep (NULL: only the claimer's XADD).
  enqueued_at       timestamptz,
  started_at        timestamptz,
  heartbeat_at      timestamptz,
  finished_at       timestamptz
);
-- The one-active-execution guard: the database, not a cache, decides who runs.
CREATE UNIQUE INDEX pipeline_executions_active_slot_key
  ON pipeline_executions (pipeline_id, active_slot)
  WHERE status IN ('queued', 'running');
CREATE UNIQUE INDEX pipeline_executions_signal_key
  ON pipeline_executions (pipeline_id, signal_id)
  WHERE signal_id IS NOT NULL;
CREATE INDEX pipeline_executions_pipeline_idx ON pipeline_executions (pipeline_id, queued_at DESC);
CREATE INDEX pipeline_executions_queued_idx ON pipeline_executions (queued_at)
  WHERE status = 'queued';
CREATE INDEX pipeline_executions_running_idx ON pipeline_executions (heartbeat_at)
  WHERE status = 'running';
