import { builtinModules } from 'node:module';
import nx from '@nx/eslint-plugin';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Run from the repository root: `eslint -c infra/tooling/eslint.config.mjs .` (npm run lint).

/** What deterministic workflow code and the pure libraries must never import. */
const BANNED_IN_PURE_CODE = ['@nestjs/*', 'typeorm', 'pg', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'];
const NODE_BUILTINS = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.nx/**', '.data/**', 'coverage/**', 'tmp/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.check.json'], tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // The web application runs in the browser: it takes only the pure shared libraries (and only their types, see below).
            { sourceTag: 'type:web', onlyDependOnLibsWithTags: ['type:pure'], bannedExternalImports: BANNED_IN_PURE_CODE },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:pure', 'type:util', 'type:data-access', 'type:workflows'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:pure', 'type:util', 'type:data-access'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:pure', 'type:util'] },
            { sourceTag: 'type:workflows', onlyDependOnLibsWithTags: ['type:pure'], bannedExternalImports: BANNED_IN_PURE_CODE },
            { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure'], bannedExternalImports: BANNED_IN_PURE_CODE },
          ],
        },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox; the pure libraries run there too.
    files: ['workflows/src/**/*.ts', 'libs/domain/src/**/*.ts', 'libs/contracts/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/__tests__/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.map((name) => ({ name, message: 'Node built-ins are not allowed in workflow and pure code.' })),
          patterns: [{ group: ['node:*'], message: 'Node built-ins are not allowed in workflow and pure code.' }],
        },
      ],
    },
  },
  {
    // The web application has its own compiler settings (DOM, JSX, bundler resolution).
    files: ['apps/web/src/**/*.ts', 'apps/web/src/**/*.tsx'],
    languageOptions: {
      parserOptions: { project: ['../../apps/web/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // Hooks in the same order on every render, and effects that name everything they read.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@ratsweg/*'],
              allowTypeImports: true,
              message: 'The browser bundle takes only types from the shared libraries: their values pull in zod, luxon and Temporal code.',
            },
            { group: ['node:*'], message: 'The web application runs in the browser.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
);
