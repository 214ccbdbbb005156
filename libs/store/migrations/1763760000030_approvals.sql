-- Up Migration

-- Human-in-the-loop requests (approval and input steps), written by the worker from what the
-- interpreter reports through its projection sink. One row per step path of a run; the row holds
-- the request's whole current state (the newest report wins; a closed row never reopens).
CREATE TABLE approvals (
  run_id       text        NOT NULL,
  step_path    text        NOT NULL,
  step_id      text        NOT NULL,
  -- The workflow execution to address (the run itself, or a map batch child of it).
  workflow_id  text        NOT NULL,
  tenant       text        NOT NULL,
  kind         text        NOT NULL CHECK (kind IN ('approval', 'input')),
  status       text        NOT NULL CHECK (status IN ('pending', 'escalated', 'approved', 'rejected', 'timed_out', 'submitted', 'cancelled')),
  -- Who may decide now (after an escalation: the escalation set).
  approver_roles text[]    NOT NULL DEFAULT '{}',
  approver_users text[]    NOT NULL DEFAULT '{}',
  quorum       integer     NOT NULL,
  reject_on_first boolean  NOT NULL DEFAULT false,
  round        integer     NOT NULL DEFAULT 0,
  escalated    boolean     NOT NULL DEFAULT false,
  -- [{ actor, decision, comment?, at, round }]
  votes        jsonb       NOT NULL DEFAULT '[]',
  message      jsonb,
  schema       jsonb,
  submission   jsonb,
  output       jsonb,
  deadline     timestamptz,
  created_at   timestamptz NOT NULL,
  decided_at   timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step_path)
);
CREATE INDEX approvals_open ON approvals (tenant, created_at) WHERE status IN ('pending', 'escalated');
CREATE INDEX approvals_tenant_status ON approvals (tenant, status, created_at DESC);

-- Who a waiting run waits for: [{ stepPath, kind, roles, users, quorum, deadline? }]; NULL when none.
ALTER TABLE runs ADD COLUMN waiting_for jsonb;

-- Approver groups of an API key: with its role, the roles an approval step's `approvers.roles` match.
ALTER TABLE api_keys ADD COLUMN groups text[] NOT NULL DEFAULT '{}';

-- Down Migration
ALTER TABLE api_keys DROP COLUMN groups;
ALTER TABLE runs DROP COLUMN waiting_for;
DROP TABLE approvals;
