import { defineConfig, mergeConfig } from 'vitest/config';
import { shared } from './vitest.shared.mts';

/** Pure unit tests: no Temporal, no PostgreSQL, no network. */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      name: 'unit',
      include: ['libs/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/unit/**/*.test.ts'],
      exclude: ['**/*.int.test.ts', '**/node_modules/**'],
      testTimeout: 20_000,
    },
  }),
);
