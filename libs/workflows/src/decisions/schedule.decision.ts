/**
 * What runs next inside one scope (a block of sibling steps forming a DAG through `needs`).
 * Pure: no Temporal.
 */

export type NodeState = 'pending' | 'running' | 'done';

export interface SchedulableStep {
  id: string;
  needs: readonly string[];
}

/**
 * Ids of pending steps whose `needs` are all done, in plan order. A need that names no step of
 * this block (the compiler rejects those; a defensive case here) is treated as satisfied.
 * A need that finished in any way (succeeded, failed with onError continue, skipped) counts as
 * done: dependents decide with `when` whether to run.
 */
export function readySteps(steps: readonly SchedulableStep[], state: (id: string) => NodeState): string[] {
  const ids = new Set(steps.map((s) => s.id));
  return steps
    .filter((s) => state(s.id) === 'pending')
    .filter((s) => s.needs.every((n) => !ids.has(n) || state(n) === 'done'))
    .map((s) => s.id);
}

/** True when nothing can ever start again although steps are pending (a cycle in `needs`). */
export function isStuck(steps: readonly SchedulableStep[], state: (id: string) => NodeState): boolean {
  const anyRunning = steps.some((s) => state(s.id) === 'running');
  const anyPending = steps.some((s) => state(s.id) === 'pending');
  return anyPending && !anyRunning && readySteps(steps, state).length === 0;
}
