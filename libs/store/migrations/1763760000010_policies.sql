-- Up Migration

-- Governance policies: every version of every policy, per tenant. Versions are immutable; the
-- live policy of a tenant is the latest version of each name (see PoliciesRepository.latest).
CREATE TABLE policies (
  tenant      text        NOT NULL,
  name        text        NOT NULL,
  version     integer     NOT NULL CHECK (version > 0),
  document    jsonb       NOT NULL,
  source      text        NOT NULL,
  format      text        NOT NULL CHECK (format IN ('yaml', 'json')),
  digest      text        NOT NULL,
  mode        text        NOT NULL CHECK (mode IN ('enforce', 'warn', 'dry-run')),
  enabled     boolean     NOT NULL DEFAULT true,
  created_by  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, name, version)
);

-- Runs admitted under a run quota. A run counts as active through its `runs` row; an admission
-- whose row is not written yet (between admission and workflow start) counts for 2 minutes.
CREATE TABLE policy_run_admissions (
  run_id       text        PRIMARY KEY,
  tenant       text        NOT NULL,
  admitted_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX policy_run_admissions_tenant ON policy_run_admissions (tenant, admitted_at DESC);

-- Budget counters shared by every worker: one row per budget key (per run, or per tenant and
-- fixed window). `used` is settled usage, `reserved` is held by activities still running. Every
-- change happens under the row lock (SELECT ... FOR UPDATE / UPDATE), so concurrent reservations
-- from any number of processes never overshoot an enforced limit.
CREATE TABLE policy_budgets (
  key           text        NOT NULL,
  window_start  timestamptz NOT NULL,
  tenant        text        NOT NULL,
  used          numeric     NOT NULL DEFAULT 0 CHECK (used >= 0),
  reserved      numeric     NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key, window_start)
);
CREATE INDEX policy_budgets_tenant ON policy_budgets (tenant, window_start DESC);

-- One reservation per claim of an activity attempt. `released` once its amount left `reserved`
-- (settled, or expired after its activity could no longer be running); `charged` is the usage
-- added to `used` when it was settled.
CREATE TABLE policy_reservations (
  id            bigserial   PRIMARY KEY,
  key           text        NOT NULL,
  window_start  timestamptz NOT NULL,
  amount        numeric     NOT NULL CHECK (amount >= 0),
  run_id        text,
  step_path     text,
  expires_at    timestamptz NOT NULL,
  released      boolean     NOT NULL DEFAULT false,
  charged       numeric,
  created_at    timestamptz NOT NULL DEFAULT now(),
  settled_at    timestamptz,
  FOREIGN KEY (key, window_start) REFERENCES policy_budgets (key, window_start) ON DELETE CASCADE
);
CREATE INDEX policy_reservations_open ON policy_reservations (key, window_start, expires_at) WHERE NOT released;

-- Down Migration
DROP TABLE policy_reservations;
DROP TABLE policy_budgets;
DROP TABLE policy_run_admissions;
DROP TABLE policies;
