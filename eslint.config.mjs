import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'build/', 'bench/node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The guest runtime bundles CommonJS libraries lazily (esbuild keeps each require() in place).
    files: ['server/runtime/guest/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // workerd's worker runs in workerd, with its web globals.
    files: ['bench/http/workerd/**'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    // Tests feed deliberately ill-typed values to check the errors.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'prefer-spread': 'off' },
  },
);
