// Lint, and the layer rules that keep the design visible: each folder may import only what its
// runtime has. A violation here is a build failure (test/unit/layers.test.ts proves the rules bite).
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const nodeOnlyPackages = ['ws', 'ssh2', 'esbuild', 'vite', 'playwright-core'];

/** no-restricted-imports for a folder: exact module names plus glob patterns. */
const restrict = (names, patterns, why, extraPaths = []) => [
  'error',
  {
    paths: [...names.map((name) => ({ name, message: why })), ...extraPaths],
    patterns: patterns.map((group) => ({ group: [group], message: why })),
  },
];

// The agent's RSS budget has no room for classic zod (~11 MB at startup); zod/mini validates the same.
const noClassicZod = [{ name: 'zod', message: "shared/ and agent/ run in the agent: use zod/mini (shared/zod.ts), not classic 'zod'." }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/layers-fixture/**', 'bin/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': restrict(
        [...nodeBuiltins, 'electron', 'react', 'react-dom', ...nodeOnlyPackages],
        ['**/agent/**', '**/electron/**', '**/renderer/**'],
        'shared/ is pure TypeScript: no Node, DOM, Electron or program-specific imports.',
        noClassicZod,
      ),
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require', '__dirname', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['agent/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': restrict(
        ['electron', 'react', 'react-dom', 'zustand', 'ssh2', 'ws'],
        ['**/electron/**', '**/renderer/**', 'react/*', 'zustand/*'],
        'agent/ runs alone on the target: no Electron, renderer, React or controller imports.',
        noClassicZod,
      ),
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': restrict(
        ['electron', 'react', 'react-dom'],
        ['**/renderer/**', '**/agent/**', 'electron/*'],
        'Only electron/main.ts and electron/preload.ts may import electron; the controller is plain Node.',
      ),
    },
  },
  {
    files: ['electron/main.ts', 'electron/preload.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': restrict(
        ['react', 'react-dom'],
        ['**/renderer/**', '**/agent/**'],
        'The Electron shell talks to the renderer only through IPC.',
      ),
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrict(
        [...nodeBuiltins, 'electron', ...nodeOnlyPackages],
        ['**/electron/**', '**/agent/**'],
        'renderer/ runs in a sandboxed page: no Node or Electron; talk to the controller through shared/api.ts.',
      ),
      'no-restricted-globals': ['error', 'process', 'require', 'Buffer', '__dirname'],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts', 'build/**/*.ts', '*.mts', '*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
