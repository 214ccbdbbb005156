import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  TemporalFailure,
  TimeoutFailure,
} from '@temporalio/common';

/** A short `{ type, message }` for progress and `steps.<id>.error`, unwrapping activity/child failures. */
export function describeFailure(err: unknown): { type: string; message: string } {
  let e: unknown = err;
  while ((e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) return { type: e.type ?? 'Error', message: e.message };
  if (e instanceof TimeoutFailure) return { type: `Timeout:${String(e.timeoutType)}`, message: e.message };
  if (e instanceof TemporalFailure) return { type: e.name, message: e.message };
  if (e instanceof Error) return { type: e.name, message: e.message };
  return { type: 'Error', message: String(e) };
}
