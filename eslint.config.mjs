// Type-aware linting for TypeScript: the rules that catch real bugs in async GraphQL and
// MongoDB code (floating promises, misused promises, unsafe any) need type information.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      '.data',
      'dist',
      'coverage',
      'src/graphql/generated',
      'dashboard/dist',
      'dashboard/src/gql',
    ],
  },
  js.configs.recommended,
  {
    // The dashboard's .tsx too: its own tsconfig (dashboard/tsconfig.json) gives the types.
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // One persistence boundary: the drivers are used by the store adapters only, and the
    // domain sees them through the interfaces it declares (docs/architecture.md).
    files: ['src/**/*.ts'],
    ignores: ['src/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['mongodb', 'pg', 'ioredis', 'bullmq'].map((name) => ({
            name,
            message: `${name} is imported only under src/store/ (the persistence boundary).`,
          })),
        },
      ],
    },
  },
  {
    // Functions a reader takes in at once; a longer one says in its comment why it is not split.
    files: ['src/**/*.ts'],
    ignores: ['src/graphql/generated/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' },
    },
  },
);
