// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';

/** The platform: knows no domain module. */
const PLATFORM = ['common', 'config', 'database', 'storage'];
/** Domain modules. */
const DOMAIN = [
  'auth',
  'credentials',
  'users',
  'departments',
  'branches',
  'positions',
  'org-units',
  'customers',
  'applications',
  'files',
  'folders',
  'dashboard',
  'settings',
  'enums',
];
/** The loan workflow: what organisation, identity, settings and the audit log know nothing of. */
const WORKFLOW = ['customers', 'applications', 'files', 'folders', 'dashboard'];
const BELOW_WORKFLOW = [
  'audit',
  'settings',
  'enums',
  'org-units',
  'departments',
  'branches',
  'positions',
  'users',
  'credentials',
  'auth',
];
const folders = (names) => names.map((name) => `./src/${name}`);

/** Pure domain logic: plain TypeScript, testable without Nest or a database. */
const PURE_FILES = [
  'src/**/application-lifecycle.ts',
  'src/**/risk-scorecard.ts',
  'src/**/permissions.ts',
  'src/**/record-scope.ts',
  'src/**/*-scope.ts',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Type-aware rules: promises that nobody awaits, switches that miss a case.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/require-await': 'error',
    },
  },
  {
    // Dependencies point down (STYLE.md "Boundaries").
    files: ['src/**/*.ts'],
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: folders(PLATFORM),
              from: folders(DOMAIN),
              message: 'The platform knows no domain module: declare a provider token instead.',
            },
            {
              target: folders(BELOW_WORKFLOW),
              from: folders(WORKFLOW),
              message:
                'Organisation, identity, settings and audit know nothing of the workflow: declare a provider token the workflow module provides.',
            },
          ],
        },
      ],
    },
  },
  {
    files: PURE_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'typeorm', 'typeorm/*'], message: 'Pure domain logic: no Nest, no TypeORM.' },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.js', 'scripts/**/*.mjs', 'src/**/*.js', '*.js'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
