-- Up Migration

-- The run-tree projection is written by several writers (the gateway at submission, the worker's
-- interpreter sink, the worker's activity interceptor) that do not coordinate: a step's first
-- attempt can be recorded before the run row of a child run exists. Step rows therefore no longer
-- require their run row; they are still removed with it.
ALTER TABLE step_runs DROP CONSTRAINT step_runs_run_id_fkey;

CREATE FUNCTION flowgate_delete_run_steps() RETURNS trigger AS $$
BEGIN
  DELETE FROM step_runs WHERE run_id = OLD.id;
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER runs_delete_steps AFTER DELETE ON runs
  FOR EACH ROW EXECUTE FUNCTION flowgate_delete_run_steps();

-- Down Migration
DROP TRIGGER runs_delete_steps ON runs;
DROP FUNCTION flowgate_delete_run_steps();
ALTER TABLE step_runs ADD CONSTRAINT step_runs_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE;
