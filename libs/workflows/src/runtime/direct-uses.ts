import type { UsesStepPlan } from '@flowgate/dsl';
import { stepPath } from '../decisions/paths.decision';
import { toJson } from '../decisions/values.decision';
import type { StepRecord } from '../wire/run.types';
import { noteActivityFailure, usesActivity } from '../steps/uses.step';
import { recordFailure, recordSuccess } from './execute-step';
import type { Runtime, Scope } from './runtime.types';

/**
 * `executeStep` of a `uses` step without `when` and `output` whose `with` holds only plain
 * paths, built from one promise chain instead of nested async functions: the same record, the
 * same progress and saga effects, the same errors. The workflow sandbox captures a stack trace
 * for every promise (every `await` included), which is most of the interpreter's cost per item
 * in a large map. Returns undefined when the step does not qualify (run `executeStep` then).
 */
export function executeUsesDirect(
  step: UsesStepPlan,
  scope: Scope,
  rt: Runtime,
): Promise<StepRecord> | undefined {
  if (step.when !== undefined || step.output !== undefined) return undefined;
  const args = rt.templateNow(step.with, rt.context(scope));
  if (!args) return undefined;
  const path = stepPath(scope.prefix, step.id);
  rt.progress.start(path, step.id, step.kind, scope.detail);
  const failed = (err: unknown): StepRecord | Promise<StepRecord> => {
    const record = recordFailure(step, path, scope, rt, err, true);
    return rt.saga.unwindWithin(path, rt).then(() => record);
  };
  let call: Promise<unknown>;
  try {
    call = usesActivity(step, path)(args.value);
  } catch (err) {
    return Promise.resolve().then(() => failed(err));
  }
  return call.then(
    (raw) => {
      try {
        return recordSuccess(step, path, scope, rt, toJson(raw));
      } catch (err) {
        return failed(err);
      }
    },
    (err: unknown) => {
      noteActivityFailure(step, rt, path, err);
      return failed(err);
    },
  );
}
