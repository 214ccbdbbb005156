import { STEP_KINDS, type StepKind } from '../plan/plan.types';
import type {
  ApprovalStep,
  FailStep,
  InputStep,
  LoopStep,
  MapStep,
  ParallelStep,
  PipelineStep,
  SetStep,
  Step,
  SwitchStep,
  UsesStep,
  WaitStep,
} from './document.types';

/** The kind keys present on a raw step object (a valid step has exactly one). */
export function kindKeysOf(value: unknown): StepKind[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return STEP_KINDS.filter((k) => Object.prototype.hasOwnProperty.call(value, k));
}

/** The kind of a schema-valid step: the one kind key it carries. */
export function stepKind(step: Step): StepKind {
  const keys = kindKeysOf(step);
  const kind = keys[0];
  if (keys.length !== 1 || kind === undefined) {
    throw new Error(`step '${step.id}' must have exactly one of ${STEP_KINDS.join('|')}`);
  }
  return kind;
}

/** A step narrowed by its kind, for exhaustive switches. */
export type KindedStep =
  | { kind: 'uses'; step: UsesStep }
  | { kind: 'parallel'; step: ParallelStep }
  | { kind: 'map'; step: MapStep }
  | { kind: 'switch'; step: SwitchStep }
  | { kind: 'loop'; step: LoopStep }
  | { kind: 'wait'; step: WaitStep }
  | { kind: 'pipeline'; step: PipelineStep }
  | { kind: 'set'; step: SetStep }
  | { kind: 'fail'; step: FailStep }
  | { kind: 'approval'; step: ApprovalStep }
  | { kind: 'input'; step: InputStep };

export function kinded(step: Step): KindedStep {
  return { kind: stepKind(step), step } as KindedStep;
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/** A nested list of steps and the path segment(s) that lead to it from its owner. */
export interface ChildList {
  /** Path segment appended to the owner's path (e.g. `branch[0]`, `case[1]`, `default`, `` for map/loop). */
  segment: string;
  /** Document path (relative to the step) of the list, e.g. `['parallel', 'branches', 0]`. */
  docPath: (string | number)[];
  steps: Step[];
  /** What the list is, for messages and diagrams. */
  label: string;
}

/** The nested step lists of a step (not including `compensate`). */
export function childLists(step: Step): ChildList[] {
  const k = kinded(step);
  switch (k.kind) {
    case 'parallel':
      return k.step.parallel.branches.map((steps, i) => ({
        segment: `branch[${i}]`,
        docPath: ['parallel', 'branches', i],
        steps,
        label: `branch ${i}`,
      }));
    case 'map':
      return [{ segment: '', docPath: ['map', 'steps'], steps: k.step.map.steps, label: 'each item' }];
    case 'loop':
      return [{ segment: '', docPath: ['loop', 'steps'], steps: k.step.loop.steps, label: 'body' }];
    case 'switch': {
      const lists: ChildList[] = k.step.switch.cases.map((c, i) => ({
        segment: `case[${i}]`,
        docPath: ['switch', 'cases', i, 'steps'],
        steps: c.steps,
        label: `case ${i}`,
      }));
      if (k.step.switch.default) {
        lists.push({
          segment: 'default',
          docPath: ['switch', 'default'],
          steps: k.step.switch.default,
          label: 'default',
        });
      }
      return lists;
    }
    case 'uses':
    case 'wait':
    case 'pipeline':
    case 'set':
    case 'fail':
    case 'approval':
    case 'input':
      return [];
    default:
      return assertNever(k, 'step kind');
  }
}

/** Joins path segments with `/`, skipping empty ones. */
export function joinStepPath(...segments: string[]): string {
  return segments.filter((s) => s.length > 0).join('/');
}
