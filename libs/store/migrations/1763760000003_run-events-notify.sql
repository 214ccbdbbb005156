-- Up Migration

-- Every change to a run or one of its steps is announced on the `flowgate_run_events` channel
-- (payload: {"runId": ..., "tenant": ..., "entity": "run"|"step", "path": ...}), whoever wrote it.
-- The gateway LISTENs to push server-sent events and GraphQL subscriptions.
CREATE FUNCTION flowgate_notify_run_event() RETURNS trigger AS $$
BEGIN
  IF TG_TABLE_NAME = 'runs' THEN
    PERFORM pg_notify('flowgate_run_events',
      json_build_object('runId', NEW.id, 'tenant', NEW.tenant, 'entity', 'run', 'status', NEW.status)::text);
  ELSE
    PERFORM pg_notify('flowgate_run_events',
      json_build_object('runId', NEW.run_id, 'entity', 'step', 'path', NEW.path, 'status', NEW.status)::text);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER runs_notify AFTER INSERT OR UPDATE ON runs
  FOR EACH ROW EXECUTE FUNCTION flowgate_notify_run_event();
CREATE TRIGGER step_runs_notify AFTER INSERT OR UPDATE ON step_runs
  FOR EACH ROW EXECUTE FUNCTION flowgate_notify_run_event();

-- Down Migration
DROP TRIGGER step_runs_notify ON step_runs;
DROP TRIGGER runs_notify ON runs;
DROP FUNCTION flowgate_notify_run_event();
