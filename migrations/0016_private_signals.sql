-- Private signals: the intake's master key, users' webhook sources and their delivery log, users'
-- expression scanners, and which signals a pipeline listens to.

-- One row: 32 random bytes from which the signing and sealing keys are derived
-- (shared/signals/intake_keys.ts). Created on first use by the API, dispatcher or generator.
CREATE TABLE intake_keys (
  id         smallint PRIMARY KEY CHECK (id = 1),
  master_key bytea NOT NULL CHECK (length(master_key) = 32),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE signal_sources (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id              uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name                  text NOT NULL,
  -- AES-256-GCM of the secret under the intake's sealing key (shared/signals/sealed_secret.ts).
  secret_sealed         bytea NOT NULL,
  -- A `timestamp` older than this is rejected as stale; NULL: no freshness check.
  max_lag_seconds       integer CHECK (max_lag_seconds > 0),
  max_per_minute        integer NOT NULL DEFAULT 60 CHECK (max_per_minute > 0),
  dedup_window_seconds  integer NOT NULL DEFAULT 86400 CHECK (dedup_window_seconds > 0),
  created_at            timestamptz NOT NULL DEFAULT now(),
  secret_rotated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signal_sources_owner_idx ON signal_sources (owner_id, created_at DESC);

CREATE TYPE delivery_outcome AS ENUM
  ('accepted', 'duplicate', 'stale', 'bad_secret', 'malformed', 'rate_limited', 'unavailable');

CREATE TABLE signal_deliveries (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source_id    uuid NOT NULL REFERENCES signal_sources (id) ON DELETE CASCADE,
  received_at  timestamptz NOT NULL DEFAULT now(),
  outcome      delivery_outcome NOT NULL,
  reason       text,
  signal_id    text,
  ticker       text,
  alert_id     text
);
CREATE INDEX signal_deliveries_source_idx ON signal_deliveries (source_id, id DESC);

-- {"public": bool, "sources": "all" | ["webhook:<id>", "scanner:<id>"]}; NULL: public + all.
ALTER TABLE pipelines ADD COLUMN listen_to jsonb;

-- Users' expression scanners (shared/expressions): run by the signal generator on each new bar,
-- publishing private signals from the source "scanner:<id>".
CREATE TABLE user_scanners (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name        text NOT NULL,
  tickers     jsonb NOT NULL CHECK (jsonb_typeof(tickers) = 'array'),
  expression  text NOT NULL,
  direction   text NOT NULL CHECK (direction IN ('BULLISH', 'BEARISH')),
  confidence  numeric NOT NULL CHECK (confidence BETWEEN 0 AND 100),
  is_active   boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_scanners_owner_idx ON user_scanners (owner_id, created_at DESC);
CREATE INDEX user_scanners_active_idx ON user_scanners (is_active) WHERE is_active;
