import { ApplicationFailure } from '@temporalio/common';
import { ContinueAsNew, isCancellation, log } from '@temporalio/workflow';
import type { Json, PlanStep } from '@flowgate/dsl';
import { stepPath } from '../decisions/paths.decision';
import { jsonByteLength, truthy } from '../decisions/values.decision';
import { ERROR_TYPES } from '../wire/names';
import { LARGE_OUTPUT_BYTES, MAX_INLINE_OUTPUT_BYTES } from '../wire/limits';
import type { CompensationEntry, StepRecord } from '../wire/run.types';
import { runStepKind } from '../steps/dispatch';
import { describeFailure } from './errors';
import type { Runtime, Scope } from './runtime.types';

function compensationEntry(
  step: PlanStep,
  path: string,
  scope: Scope,
  record: StepRecord,
): CompensationEntry {
  const entry: CompensationEntry = {
    stepPath: path,
    stepId: step.id,
    steps: step.compensate ?? [],
    visible: { ...scope.visible, [step.id]: record },
  };
  if (scope.item !== undefined) entry.item = scope.item;
  if (scope.index !== undefined) entry.index = scope.index;
  return entry;
}

/**
 * A step's successful end: output size limits, its compensation registered, progress finished.
 * Throws OutputTooLarge (the caller records it as the step's failure).
 */
export function recordSuccess(
  step: PlanStep,
  path: string,
  scope: Scope,
  rt: Runtime,
  output: Json,
): StepRecord {
  const size = jsonByteLength(output);
  if (size > MAX_INLINE_OUTPUT_BYTES) {
    throw ApplicationFailure.create({
      type: ERROR_TYPES.outputTooLarge,
      message: `step '${path}': output is ${size} bytes, above the ${MAX_INLINE_OUTPUT_BYTES}-byte inline limit; only activity results are stored by reference: build smaller outputs in set/output/merge expressions`,
      nonRetryable: true,
    });
  }
  if (size > LARGE_OUTPUT_BYTES) {
    log.warn(
      'large step output kept inline (computed in the workflow: only activity results go by reference)',
      {
        stepPath: path,
        size,
      },
    );
  }
  const record: StepRecord = { output, status: 'succeeded' };
  if (step.compensate?.length) rt.saga.register(compensationEntry(step, path, scope, record));
  rt.progress.finish(path, 'succeeded', output);
  return record;
}

/**
 * A step's failure: recorded in progress (and the saga for `onError: compensate`). Rethrows
 * `err` unless the step has `onError: continue`; then returns the failed record and the caller
 * must unwind the compensations registered inside the step (`rt.saga.unwindWithin`).
 */
export function recordFailure(
  step: PlanStep,
  path: string,
  scope: Scope,
  rt: Runtime,
  err: unknown,
  started: boolean,
): StepRecord {
  if (err instanceof ContinueAsNew) throw err;
  if (!started) rt.progress.start(path, step.id, step.kind, scope.detail);
  if (isCancellation(err)) {
    rt.progress.finish(path, 'cancelled');
    throw err;
  }
  const error = describeFailure(err);
  const record: StepRecord = { output: null, status: 'failed', error };
  // onError: compensate also undoes the failed step itself (it may have partly applied, e.g. a timed-out booking).
  if (step.onError === 'compensate' && step.compensate?.length) {
    rt.saga.register(compensationEntry(step, path, scope, record));
  }
  rt.progress.finish(path, 'failed', undefined, error);
  if (step.onError === 'continue') return record;
  throw err;
}

/**
 * The fields common to every kind: `when`, progress, `output`, `compensate`, `onError`.
 * Resolves with the step's record; rejects when the failure must unwind the enclosing scope
 * (onError fail/compensate), on cancellation, and on continue-as-new.
 */
export async function executeStep(step: PlanStep, scope: Scope, rt: Runtime): Promise<StepRecord> {
  const path = stepPath(scope.prefix, step.id);
  const ctx = rt.context(scope);
  let started = false;
  try {
    if (step.when !== undefined && !truthy(await rt.evaluate(step.when, ctx, path, 'when'))) {
      rt.progress.skipped(path, step.id, step.kind, scope.detail);
      return { output: null, status: 'skipped' };
    }
    rt.progress.start(path, step.id, step.kind, scope.detail);
    started = true;
    const raw = await runStepKind(step, scope, rt, path);
    const output: Json =
      step.output !== undefined
        ? await rt.evaluate(step.output, { ...ctx, result: raw }, path, 'output')
        : raw;
    return recordSuccess(step, path, scope, rt, output);
  } catch (err) {
    const record = recordFailure(step, path, scope, rt, err, started);
    // The failure is contained here: undo what completed inside this step's subtree.
    await rt.saga.unwindWithin(path, rt);
    return record;
  }
}
