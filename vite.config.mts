// The renderer build: React + zustand, served by Electron (app://) or the browser mode.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: join(root, 'renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: join(root, 'dist/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome120',
    // Chromium and Electron support modulepreload natively; the polyfill would be an inline script.
    modulePreload: { polyfill: false },
  },
});
