// Lint: typescript-eslint with type information, so floating promises are caught, and
// import-x/no-cycle so the folders keep their one-way flow (ingest → queue → workers → mail).
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

export default tseslint.config(
  { ignores: ['node_modules/', '.react-email/', 'out/', 'test-artifacts/', 'bin/', 'scratch/'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.base],
    plugins: { 'import-x': importX },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Functions stay readable at a glance (issue 17): the code, not the tests.
    files: ['src/**/*.ts', 'src/**/*.tsx', 'workers/**/*.ts', 'emails/**/*.tsx'],
    rules: { 'max-lines-per-function': ['error', { max: 50 }] },
  },
);
