// Lint, and the layer rules that keep the design visible: each folder names what it may import
// (an allow-list, build/lint/layers.mjs). A violation is a build failure; test/unit/layers.test.ts
// proves the rules bite.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { layersPlugin } from './build/lint/layers.mjs';

/** The allowed-imports rule for one layer: its own folders, the layers under it, its packages ('#node': Node's built-ins). */
const layer = (name, allow, deny = []) => ({ 'layers/allowed-imports': ['error', { layer: name, allow, deny }] });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/layers-fixture/**', 'bin/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { plugins: { layers: layersPlugin } },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      // Pure TypeScript shared by every program; zod/mini because it runs in the agent too (classic
      // zod costs the agent ~11 MB of RSS at start).
      ...layer('shared/', ['/shared/', 'zod/mini', 'zod/v4/locales/en.js']),
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require', '__dirname', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['agent/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      // Runs alone on the target as root, one bundled file: Node and the wire contract only.
      ...layer(
        'agent/',
        ['/agent/', '/shared/', '#node', 'zod/mini'],
        [{ path: '/shared/api', why: "the renderer API is the app's contract, not the agent's" }],
      ),
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts', 'electron/shell/**'],
    languageOptions: { globals: globals.node },
    rules: {
      // The controller, the browser mode and the CLI: plain Node (no 'electron'), the agent only over the wire.
      ...layer(
        'electron/ (controller)',
        // playwright-core: PDF reports printed by headless Chromium (electron/report/renderPdf.ts only).
        ['/electron/', '/shared/', '#node', 'ssh2', 'ssh-config', 'ws', 'zod', 'playwright-core'],
        [
          { path: '/electron/main', why: 'the Electron shell sits on top of the controller' },
          { path: '/electron/preload', why: 'the Electron shell sits on top of the controller' },
          { path: '/electron/shell/', why: 'the Electron shell sits on top of the controller' },
        ],
      ),
    },
  },
  {
    files: ['electron/main.ts', 'electron/preload.ts', 'electron/shell/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      // The thin shell (main, preload and what only they use): Electron, the controller, the
      // contracts; the renderer only through IPC.
      ...layer('electron shell', ['electron', '/electron/', '/shared/', '#node']),
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // A sandboxed page: React, its store, and the controller only through shared/api.ts.
      ...layer(
        'renderer/',
        ['/renderer/', '/shared/', 'react', 'react-dom', 'zustand', '@tanstack/react-virtual'],
        [{ path: '/shared/protocol', why: "the agent protocol is the controller's business; use shared/api.ts" }],
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
