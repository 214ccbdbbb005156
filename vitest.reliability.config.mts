import { defineConfig, mergeConfig } from 'vitest/config';
import { shared } from './vitest.shared.mts';

/**
 * The reliability suite (`npm run test:chaos`, docs/reliability.md): the slow chaos scenarios
 * (Temporal and PostgreSQL restarts, SIGSTOP, soak) plus the fast ones that also run in `npm test`
 * (kill -9, fuzzing with more runs, abuse). Each file starts its own stack; one file at a time.
 */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      name: 'reliability',
      include: ['test/reliability/**/*.chaos.test.ts', 'test/e2e/reliability-fast.e2e.test.ts'],
      testTimeout: 900_000,
      hookTimeout: 240_000,
      fileParallelism: false,
      env: { FLOWGATE_FUZZ_RUNS: process.env.FLOWGATE_FUZZ_RUNS ?? '300' },
    },
  }),
);
