// ESLint for the whole workspace: typescript-eslint's recommended rules (syntax only, no type
// information, so `pnpm lint` stays quick on two cores), the React hooks rules for the React
// code, and the client's layer order as import rules. Formatting is Prettier's job
// (eslint-config-prettier turns off every rule that would fight it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { clientLayerRules } from './eslint/client-layers.js';

export default tseslint.config(
  {
    ignores: ['**/node_modules/', '**/dist/', '**/data/', '**/.outpost-data/', 'docs/api/', 'bench/results/', 'bench/.build/', 'test-results/', 'coverage/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `let x;` read by a closure before its one assignment (e.g. the relay, wired after the
      // parts that call it) stays `let`: a `const` there would be a temporal-dead-zone trap.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Unused names are errors, except a leading underscore that says "unused on purpose".
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    ...reactHooks.configs.flat['recommended-latest'],
    files: ['**/*.tsx', 'packages/client/src/react/**/*.ts', 'apps/field-web/src/**/*.ts'],
  },
  ...clientLayerRules,
  prettier,
);
