import { Context } from '@temporalio/activity';
import type { SecretProvider } from '../secrets/secret-provider';
import { parseActivityInput, type ActivityContext, type ActivityDefinition } from './define-activity';

export type TemporalActivities = Record<string, (input: unknown) => Promise<unknown>>;

export interface ActivityDeps {
  secrets: SecretProvider;
}

/** The context of the activity execution running now. */
export function currentActivityContext(deps: ActivityDeps): ActivityContext {
  const ctx = Context.current();
  const info = ctx.info;
  const runId = info.workflowExecution?.workflowId ?? 'standalone';
  return {
    idempotencyKey: `${runId}/${info.activityId}`,
    runId,
    stepPath: info.activityId,
    attempt: info.attempt,
    signal: ctx.cancellationSignal,
    heartbeat: (details?: unknown) => ctx.heartbeat(details),
    lastHeartbeat: <T>() => info.heartbeatDetails as T | undefined,
    secret: (name: string) => deps.secrets.get(name),
  };
}

/**
 * Turns activity definitions into the map the Temporal worker registers: each activity under
 * its own name (so the Temporal UI shows `http.request`, not a generic executor).
 */
export function createActivities(
  defs: readonly ActivityDefinition[],
  deps: ActivityDeps,
): TemporalActivities {
  const activities: TemporalActivities = {};
  for (const def of defs) {
    if (activities[def.name]) throw new Error(`activity '${def.name}' is defined twice`);
    activities[def.name] = async (raw: unknown) => {
      const input = parseActivityInput(def, raw);
      return def.handler(input, currentActivityContext(deps));
    };
  }
  return activities;
}
