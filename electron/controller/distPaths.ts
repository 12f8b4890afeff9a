// Why: the CLI, the server, the Electron main process and the tests all run from different
// places (dist/*.cjs, source under vitest) but need the same built artefacts: the agent bundle
// and the renderer. This finds the project's dist/ once, the same way for all of them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function findProjectRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'seamless') return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the seamless project above ${start}`);
    dir = parent;
  }
}

export function distDir(): string {
  return process.env.SEAMLESS_DIST_DIR ?? join(findProjectRoot(), 'dist');
}
