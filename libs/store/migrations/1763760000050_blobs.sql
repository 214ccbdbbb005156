-- Up Migration

-- Large activity results stored by reference (claim check): the activity wrapper stores an output
-- above 256 KB here and returns `{ "$ref": "blob:<id>", size, sha256, preview }` instead, so that
-- Temporal history only ever holds the small reference. The content is the exact UTF-8 JSON text
-- of the (secret-redacted) output: `sha256` is the hash of these bytes.
CREATE TABLE blobs (
  id           text        PRIMARY KEY,
  -- The top-level run (first segment of the workflow id): blobs of sub-pipelines and map batches
  -- belong to the run tree's root, and go with it.
  run_id       text        NOT NULL,
  -- The execution and the runtime step path that produced it.
  workflow_id  text        NOT NULL,
  step_path    text        NOT NULL,
  tenant       text,
  size         bigint      NOT NULL CHECK (size >= 0),
  sha256       text        NOT NULL,
  content      bytea       NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX blobs_run ON blobs (run_id);

-- Retention: blobs are removed with their run. Not a foreign key: an activity may store a blob
-- before the run's projection row exists (or for executions started outside the gateway).
CREATE FUNCTION flowgate_delete_run_blobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM blobs WHERE run_id = OLD.id;
  RETURN OLD;
END;
$$;
CREATE TRIGGER runs_delete_blobs AFTER DELETE ON runs
  FOR EACH ROW EXECUTE FUNCTION flowgate_delete_run_blobs();

-- Down Migration
DROP TRIGGER runs_delete_blobs ON runs;
DROP FUNCTION flowgate_delete_run_blobs();
DROP TABLE blobs;
