-- Up Migration

-- Pipelines registry: every version of every pipeline, per tenant. Versions are immutable.
CREATE TABLE pipelines (
  tenant       text        NOT NULL,
  name         text        NOT NULL,
  version      integer     NOT NULL CHECK (version > 0),
  document     jsonb       NOT NULL,
  source       text        NOT NULL,
  format       text        NOT NULL CHECK (format IN ('yaml', 'json')),
  digest       text        NOT NULL,
  plan         jsonb       NOT NULL,
  tags         text[]      NOT NULL DEFAULT '{}',
  created_by   text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, name, version)
);

-- Runs: a projection of Temporal executions (Temporal stays the source of truth).
CREATE TABLE runs (
  id                text        PRIMARY KEY,
  tenant            text        NOT NULL,
  pipeline_name     text        NOT NULL,
  pipeline_version  integer     NOT NULL,
  digest            text        NOT NULL,
  status            text        NOT NULL CHECK (status IN ('running', 'waiting', 'succeeded', 'failed', 'cancelled')),
  input             jsonb       NOT NULL,
  output            jsonb,
  error             jsonb,
  tags              text[]      NOT NULL DEFAULT '{}',
  idempotency_key   text,
  request_hash      text,
  parent_run_id     text        REFERENCES runs (id) ON DELETE SET NULL,
  parent_step_path  text,
  temporal_run_id   text,
  submitted_by      text        NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz
);
CREATE UNIQUE INDEX runs_idempotency ON runs (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX runs_tenant_created ON runs (tenant, created_at DESC, id DESC);
CREATE INDEX runs_tenant_status ON runs (tenant, status, created_at DESC);
CREATE INDEX runs_tenant_pipeline ON runs (tenant, pipeline_name, created_at DESC);
CREATE INDEX runs_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;

-- Step runs, keyed by the runtime step path (e.g. `replies[3]/draft`).
CREATE TABLE step_runs (
  run_id          text        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  path            text        NOT NULL,
  step_id         text        NOT NULL,
  kind            text        NOT NULL,
  status          text        NOT NULL,
  attempts        integer     NOT NULL DEFAULT 0,
  started_at      timestamptz,
  finished_at     timestamptz,
  output_preview  text,
  error           jsonb,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, path)
);

-- Attempts of activity steps.
CREATE TABLE attempts (
  run_id       text        NOT NULL,
  path         text        NOT NULL,
  attempt      integer     NOT NULL,
  status       text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  worker       text,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  error        jsonb,
  PRIMARY KEY (run_id, path, attempt),
  FOREIGN KEY (run_id, path) REFERENCES step_runs (run_id, path) ON DELETE CASCADE
);

-- Append-only audit trail: who did what, when.
CREATE TABLE audit_events (
  id          bigserial   PRIMARY KEY,
  tenant      text        NOT NULL,
  run_id      text,
  actor       text        NOT NULL,
  action      text        NOT NULL,
  subject     text,
  details     jsonb       NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_run ON audit_events (run_id, id) WHERE run_id IS NOT NULL;
CREATE INDEX audit_events_tenant ON audit_events (tenant, id DESC);

-- API keys: only a hash is stored; the prefix identifies a key without revealing it.
CREATE TABLE api_keys (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  prefix        text        NOT NULL UNIQUE,
  hash          text        NOT NULL,
  name          text        NOT NULL,
  tenant        text        NOT NULL,
  role          text        NOT NULL CHECK (role IN ('viewer', 'operator', 'approver', 'admin')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);

-- Down Migration
DROP TABLE api_keys;
DROP TABLE audit_events;
DROP TABLE attempts;
DROP TABLE step_runs;
DROP TABLE runs;
DROP TABLE pipelines;
