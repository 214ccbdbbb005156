import { defineConfig, mergeConfig } from 'vitest/config';
import { shared } from './vitest.shared.mts';

/** End-to-end suites: Temporal, PostgreSQL, worker and gateway as separate processes, driven over HTTP. */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      name: 'e2e',
      include: ['test/e2e/**/*.e2e.test.ts'],
      testTimeout: 180_000,
      hookTimeout: 240_000,
      fileParallelism: false,
    },
  }),
);
