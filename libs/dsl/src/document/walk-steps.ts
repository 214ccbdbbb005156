import type { StepKind } from '../plan/plan.types';
import type { PathSegment } from '../parse/problem';
import type { PipelineDocument, Step } from './document.types';
import { childLists, joinStepPath, stepKind } from './step-kind';

/** A step list: the top-level steps, a branch, a case, a map/loop body or a compensation list. */
export interface StepScope {
  steps: Step[];
  /** Document path of the list, e.g. `['spec', 'steps']`. */
  docPath: PathSegment[];
  /** Plan path prefix of the list's steps (`''` at top level). */
  pathPrefix: string;
  /** The step owning this list (undefined at top level). */
  owner?: StepVisit;
  role: 'top' | 'child' | 'compensate';
  /** Whether steps here run once per map item or loop iteration (possibly several times). */
  repeated: boolean;
}

export interface StepVisit {
  step: Step;
  kind: StepKind;
  index: number;
  docPath: PathSegment[];
  /** Plan path, e.g. `par/branch[0]/b`. */
  path: string;
  scope: StepScope;
}

/**
 * Visits every step of a document depth-first in document order (a step before its children;
 * children before compensations), including compensation steps.
 */
export function walkSteps(doc: PipelineDocument, visit: (v: StepVisit) => void): void {
  const walkList = (scope: StepScope): void => {
    scope.steps.forEach((step, index) => {
      const v: StepVisit = {
        step,
        kind: stepKind(step),
        index,
        docPath: [...scope.docPath, index],
        path: joinStepPath(scope.pathPrefix, step.id),
        scope,
      };
      visit(v);
      for (const list of childLists(step)) {
        walkList({
          steps: list.steps,
          docPath: [...v.docPath, ...list.docPath],
          pathPrefix: joinStepPath(v.path, list.segment),
          owner: v,
          role: 'child',
          repeated: scope.repeated || v.kind === 'map' || v.kind === 'loop',
        });
      }
      if (step.compensate) {
        walkList({
          steps: step.compensate,
          docPath: [...v.docPath, 'compensate'],
          pathPrefix: joinStepPath(v.path, 'compensate'),
          owner: v,
          role: 'compensate',
          repeated: scope.repeated,
        });
      }
    });
  };
  walkList({
    steps: doc.spec.steps,
    docPath: ['spec', 'steps'],
    pathPrefix: '',
    role: 'top',
    repeated: false,
  });
}

/** Effective `needs` of each step of a list: explicit, else the previous sibling (none for the first). */
export function effectiveNeeds(steps: readonly Step[]): string[][] {
  return steps.map((step, i) => {
    if (step.needs) return [...step.needs];
    const prev = steps[i - 1];
    return prev ? [prev.id] : [];
  });
}
