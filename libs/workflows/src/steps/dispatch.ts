import type { Json, PlanStep } from '@flowgate/dsl';
import type { Runtime, Scope } from '../runtime/runtime.types';
import { runApprovalStep } from './approval.step';
import { runFailStep } from './fail.step';
import { runInputStep } from './input.step';
import { runLoopStep } from './loop.step';
import { runMapStep } from './map.step';
import { runParallelStep } from './parallel.step';
import { runPipelineStep } from './pipeline.step';
import { runSetStep } from './set.step';
import { runSwitchStep } from './switch.step';
import { runUsesStep } from './uses.step';
import { runWaitStep } from './wait.step';

export function assertNever(value: never): never {
  throw new Error(`unhandled step kind: ${JSON.stringify(value)}`);
}

/** Runs the kind-specific part of a step and resolves with its raw result (before `output`). */
export function runStepKind(step: PlanStep, scope: Scope, rt: Runtime, path: string): Promise<Json> {
  switch (step.kind) {
    case 'uses':
      return runUsesStep(step, scope, rt, path);
    case 'parallel':
      return runParallelStep(step, scope, rt, path);
    case 'map':
      return runMapStep(step, scope, rt, path);
    case 'switch':
      return runSwitchStep(step, scope, rt, path);
    case 'loop':
      return runLoopStep(step, scope, rt, path);
    case 'wait':
      return runWaitStep(step, scope, rt, path);
    case 'pipeline':
      return runPipelineStep(step, scope, rt, path);
    case 'set':
      return runSetStep(step, scope, rt, path);
    case 'fail':
      return runFailStep(step, scope, rt, path);
    case 'approval':
      return runApprovalStep(step, scope, rt, path);
    case 'input':
      return runInputStep(step, scope, rt, path);
    default:
      return assertNever(step);
  }
}
