-- Up Migration

-- Pipeline schedules: which Temporal Schedule a pipeline's `spec.schedule` became. Temporal holds
-- the schedule itself (state, next and recent fires); this row scopes it to a tenant and records
-- the version it was created from, so that registering an older version never replaces it.
CREATE TABLE pipeline_schedules (
  schedule_id  text        PRIMARY KEY,
  tenant       text        NOT NULL,
  pipeline     text        NOT NULL,
  version      integer     NOT NULL CHECK (version > 0),
  cron         text        NOT NULL,
  timezone     text        NOT NULL,
  overlap      text        NOT NULL,
  input        jsonb       NOT NULL DEFAULT '{}',
  updated_by   text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant, pipeline)
);

-- Dead-letter view: a tenant's failed runs, most recently failed first.
CREATE INDEX runs_tenant_failed ON runs (tenant, (COALESCE(finished_at, updated_at)) DESC, id DESC)
  WHERE status = 'failed';

-- Down Migration
DROP INDEX runs_tenant_failed;
DROP TABLE pipeline_schedules;
