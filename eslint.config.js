import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '.data/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Input schemas build strings with input-fields.ts's `text()`, which refuses NUL: PostgreSQL
    // cannot store it, and one forgotten field would answer 500 (output schemas are exempt).
    files: ['apps/server/src/routers/**/*.ts', 'apps/server/src/trpc/**/*.ts'],
    ignores: ['**/*.test.ts', '**/input-fields.ts', '**/*-schemas.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='z'][callee.property.name='string']",
          message:
            'Build input strings with `text()` from routers/input-fields.ts: it refuses NUL.',
        },
      ],
    },
  },
  {
    // DESIGN §1: a procedure validates its input, calls one use case and maps the result. From
    // @orders/db a router takes only types and the value lists its schemas are built from; a
    // statement or read belongs in a use case (apps/server/src/use-cases/).
    files: ['apps/server/src/routers/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@orders/db',
              allowTypeImports: true,
              allowImportNames: ['USER_ROLES'],
              message:
                'A router calls one use case per procedure (DESIGN §1): call packages/db from a use case in apps/server/src/use-cases/, and import that.',
            },
          ],
        },
      ],
    },
  },
  {
    // DESIGN §1: packages/db executes plans and decides nothing. From the core it takes types,
    // ids, money, the Result constructors and the value lists the schema is built from — never a
    // rule. (Its tests and fixtures may call core to build plans, as the use cases do.)
    files: ['packages/db/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@orders/core',
              allowTypeImports: true,
              allowImportNames: [
                'ok',
                'err',
                'asUserId',
                'asOrderId',
                'asPaymentId',
                'asProductId',
                'asSku',
                'asRefundId',
                'money',
                'DEFAULT_CURRENCY',
                'CURRENCIES',
                'ORDER_STATUSES',
                'PAYMENT_STATUSES',
                'FAILURE_CODES',
                'FRAUD_VERDICTS',
                'STOCK_MOVEMENT_KINDS',
                'JOURNAL_ENTRY_KINDS',
                'REFUND_STATUSES',
                'REFUND_REASONS',
                'WEBHOOK_DELIVERY_STATUSES',
                'AGGREGATE_TYPES',
              ],
              message:
                'packages/db decides nothing (DESIGN §1): from @orders/core it imports only types, ids, money, ok/err and value lists. A rule belongs in core, called by a use case in apps/server.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/testing/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  prettier,
);
