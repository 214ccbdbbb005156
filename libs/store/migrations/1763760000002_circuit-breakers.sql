-- Up Migration

-- Circuit breakers shared by every worker: one row per dependency (an HTTP origin, an LLM provider).
-- A row appears with the first failure. `open` past `open_until` is effectively half-open: the next
-- caller takes the probe lease (state `half_open`, `probe_holder`, `probe_until`). Every transition
-- is one conditional UPDATE/INSERT, so concurrent workers never disagree.
CREATE TABLE circuit_breakers (
  dependency            text        PRIMARY KEY,
  state                 text        NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'half_open')),
  consecutive_failures  integer     NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  opened_at             timestamptz,
  open_until            timestamptz,
  probe_holder          text,
  probe_until           timestamptz,
  last_error            text,
  last_failure_at       timestamptz,
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK (state <> 'open' OR open_until IS NOT NULL)
);

-- Down Migration
DROP TABLE circuit_breakers;
