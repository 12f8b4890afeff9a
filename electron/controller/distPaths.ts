// Why: the CLI, the server, the Electron main process and the tests all run from different
// places (dist/*.cjs, source under vitest) but need the same built artefacts: the agent bundle
// and the renderer. This finds the project's dist/ once, the same way for all of them, and the
// agent's files in a packaged app too.
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

/**
 * Where the agent files are (the bundle, its manifest, the self-contained executable): in a
 * packaged app beside the app in its resources (`resources/agent`, outside the asar: they are
 * uploaded to hosts as files), else in dist/agent. $SEAMLESS_AGENT_DIR wins over both.
 */
export function agentDir(
  env: NodeJS.ProcessEnv = process.env,
  resourcesPath: string | undefined = (process as { resourcesPath?: string }).resourcesPath,
): string {
  if (env.SEAMLESS_AGENT_DIR) return env.SEAMLESS_AGENT_DIR;
  if (resourcesPath && existsSync(join(resourcesPath, 'agent', 'manifest.json'))) return join(resourcesPath, 'agent');
  return join(distDir(), 'agent');
}
