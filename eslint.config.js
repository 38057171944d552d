import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'var/', 'dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@slack/*', 'discord.js', 'discord-api-types', '**/bots/**'], message: 'core never imports a platform' },
      ] }],
    },
  },
  {
    files: ['src/core/store/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@slack/*', 'discord.js', 'discord-api-types', '**/bots/**'], message: 'core never imports a platform' },
        { group: ['../match/*', '../refresh', '../lookup', '../reindex'], message: 'the store is below the matcher: it is given what it needs (RecordNames, Derivations), never imports it' },
      ] }],
    },
  },
);
