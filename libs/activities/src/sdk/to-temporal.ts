import { Context } from '@temporalio/activity';
import type { SecretProvider } from '../secrets/secret-provider';
import { SecretScope } from '../secrets/secret-refs';
import { resolveBlobRefs, storeIfLarge, type BlobStore } from './blob-refs';
import { parseActivityInput, type ActivityContext, type ActivityDefinition } from './define-activity';

export type TemporalActivities = Record<string, (input: unknown) => Promise<unknown>>;

export interface ActivityDeps {
  secrets: SecretProvider;
  /**
   * Blob store for large outputs (claim check). With it, a result whose JSON is above
   * BLOB_THRESHOLD_BYTES is stored and replaced by `{ $ref: "blob:<id>", size, sha256, preview }`,
   * and references in inputs are resolved before the handler runs. Without it, results stay
   * inline (the interpreter fails steps above Temporal's payload limit) and references are passed
   * to handlers as they are.
   */
  blobs?: BlobStore;
}

/** The context of the activity execution running now. */
export function currentActivityContext(
  deps: ActivityDeps,
  secret: (name: string) => Promise<string> = (name) => deps.secrets.get(name),
): ActivityContext {
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
    secret,
  };
}

/**
 * Turns activity definitions into the map the Temporal worker registers: each activity under
 * its own name (so the Temporal UI shows `http.request`, not a generic executor).
 *
 * Every execution goes through the same steps: blob references in the input are resolved to
 * their content; the input is parsed by the activity's schema; the handler runs; every secret
 * value it resolved through `ctx.secret` is redacted from the result; then a result above
 * BLOB_THRESHOLD_BYTES is stored in the blob store and replaced by a reference (redact, then
 * store: no secret value ever reaches a blob).
 */
export function createActivities(
  defs: readonly ActivityDefinition[],
  deps: ActivityDeps,
): TemporalActivities {
  const activities: TemporalActivities = {};
  for (const def of defs) {
    if (activities[def.name]) throw new Error(`activity '${def.name}' is defined twice`);
    activities[def.name] = async (raw: unknown) => {
      const resolved = deps.blobs ? await resolveBlobRefs(raw, deps.blobs) : raw;
      const input = parseActivityInput(def, resolved);
      const scope = new SecretScope((name) => deps.secrets.get(name));
      const ctx = currentActivityContext(deps, (name) => scope.get(name));
      const output = scope.redact(await def.handler(input, ctx));
      if (!deps.blobs) return output;
      return storeIfLarge(output, { workflowId: ctx.runId, stepPath: ctx.stepPath }, deps.blobs);
    };
  }
  return activities;
}
