-- The scheduler's memory of each periodic pipeline: when it last fired and when it fires next.
-- `schedule` is the schedule next_fire_at was computed from; a different one on the pipeline
-- means it changed while no scheduler was watching, so next_fire_at is computed again.
CREATE TABLE pipeline_schedule_state (
  pipeline_id   uuid PRIMARY KEY REFERENCES pipelines (id) ON DELETE CASCADE,
  schedule      jsonb NOT NULL,
  last_fired_at timestamptz,
  next_fire_at  timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
