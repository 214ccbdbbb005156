import { ApplicationFailure } from '@temporalio/common';
import { ERROR_TYPES } from '../wire/names';

export function notImplemented(kind: string, path: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: ERROR_TYPES.notImplemented,
    message: `step '${path}': '${kind}' steps (human in the loop) are not implemented yet`,
    nonRetryable: true,
  });
}
