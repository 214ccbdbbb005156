import { defineConfig } from 'vitest/config';

/** Settings common to every suite. */
export const shared = defineConfig({
  test: {
    environment: 'node',
    reporters: ['default'],
    pool: 'forks',
    passWithNoTests: false,
  },
});
