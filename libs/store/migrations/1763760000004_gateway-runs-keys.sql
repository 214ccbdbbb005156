-- Up Migration

-- A rerun (POST /v1/runs/:id/retry with mode "rerun") links to the run it retries.
ALTER TABLE runs ADD COLUMN retry_of text REFERENCES runs (id) ON DELETE SET NULL;
CREATE INDEX runs_retry_of ON runs (retry_of) WHERE retry_of IS NOT NULL;

-- Run list filter by tag (`tags @> ARRAY[...]`).
CREATE INDEX runs_tags ON runs USING gin (tags);

-- Per-key rate limit (requests per minute); NULL means the gateway default.
ALTER TABLE api_keys ADD COLUMN rate_limit_per_minute integer CHECK (rate_limit_per_minute > 0);
CREATE INDEX api_keys_tenant ON api_keys (tenant, created_at DESC);

-- Down Migration
DROP INDEX api_keys_tenant;
ALTER TABLE api_keys DROP COLUMN rate_limit_per_minute;
DROP INDEX runs_tags;
DROP INDEX runs_retry_of;
ALTER TABLE runs DROP COLUMN retry_of;
