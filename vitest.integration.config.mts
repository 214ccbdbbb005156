import { defineConfig, mergeConfig } from 'vitest/config';
import { shared } from './vitest.shared.mts';

/** Integration tests against a real Temporal dev server and a real PostgreSQL. */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      name: 'integration',
      include: [
        'libs/*/test/**/*.int.test.ts',
        'apps/*/test/**/*.int.test.ts',
        'test/integration/**/*.int.test.ts',
      ],
      globalSetup: ['./test/support/global-setup.ts'],
      testTimeout: 120_000,
      hookTimeout: 180_000,
      fileParallelism: false,
    },
  }),
);
