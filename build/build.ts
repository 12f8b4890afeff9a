// Why: one command builds every program: the agent bundle, the CLI, the Electron main and
// preload bundles, and the renderer (Vite). `npm run build` runs it; tests use its output.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build as viteBuild } from 'vite';
import { bundleAgent } from './bundleAgent';
import { buildAgentExecutable } from './agentExecutable';

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const define = { __SEAMLESS_VERSION__: JSON.stringify(version) };

async function main(): Promise<void> {
  const started = Date.now();
  rmSync(dist, { recursive: true, force: true });

  const agent = await bundleAgent(root, join(dist, 'agent'), version);
  console.log(`agent     dist/agent/${agent.file}  ${(agent.bytes / 1024).toFixed(1)} KiB`);
  // For targets without Node 18+: the same agent inside this Node runtime (x86-64 glibc).
  const exe = await buildAgentExecutable(join(dist, 'agent'));
  console.log(
    exe.manifest
      ? `agent exe dist/agent/${exe.manifest.file}  ${(exe.manifest.bytes / 1024 / 1024).toFixed(1)} MiB`
      : `agent exe not built: ${exe.reason}`,
  );

  const node = {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'cjs' as const,
    define,
    sourcemap: true,
    logLevel: 'warning' as const,
    // ssh2's optional native addons (sshcrypto, cpu-features) are loaded in try/catch; left out
    // of the bundle, ssh2 uses its pure-JS code paths.
    external: ['*.node'],
  };
  // playwright-core (PDF reports through headless Chromium) is loaded from node_modules when asked for.
  await build({
    ...node,
    entryPoints: [join(root, 'electron/cli.ts')],
    outfile: join(dist, 'cli.cjs'),
    external: ['*.node', 'playwright-core'],
  });
  console.log('cli       dist/cli.cjs');
  // The Electron bundles: `electron` itself is provided by the runtime.
  await build({
    ...node,
    entryPoints: [join(root, 'electron/main.ts')],
    outfile: join(dist, 'electron/main.cjs'),
    // The desktop app prints PDFs with its own Chromium (printToPDF), never playwright-core.
    external: ['electron', '*.node', 'playwright-core'],
  });
  await build({
    ...node,
    entryPoints: [join(root, 'electron/preload.ts')],
    outfile: join(dist, 'electron/preload.cjs'),
    external: ['electron', '*.node'],
  });
  console.log('electron  dist/electron/main.cjs, preload.cjs');

  await viteBuild({ configFile: join(root, 'vite.config.mts'), logLevel: 'warn' });
  console.log('renderer  dist/renderer/');
  console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
