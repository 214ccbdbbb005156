import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTE_TYPES } from '@flowgate/workflows';
import { temporalBinary } from './temporal-binary';

/**
 * A real Temporal dev server (the installed Temporal CLI, in memory) with Flowgate's search
 * attributes registered. Time is real: use short durations.
 */
export async function startTemporalTestEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalBinary() },
      extraArgs: Object.entries(SEARCH_ATTRIBUTE_TYPES).flatMap(([name, type]) => [
        '--search-attribute',
        `${name}=${type}`,
      ]),
      log: { format: 'pretty', level: 'warn' },
    },
  });
}
