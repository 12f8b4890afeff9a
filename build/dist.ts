// Why: `npm run dist` makes the Linux packages (AppImage and .deb, x64; `-- --arm64` adds arm64).
// electron-builder needs Electron's own binary for the target, which is downloaded from outside
// the npm registry; where it is not on this machine the command fails at once and says how to
// give it one, instead of hanging on a download.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { builderConfig } from './electronBuilder';
import { installedElectronBinary } from './start';

const root = join(__dirname, '..');

export function electronVersion(projectRoot: string = root): string {
  return (JSON.parse(readFileSync(join(projectRoot, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where electron-builder can take Electron from without a download, or why it cannot. */
export function electronSource(
  version: string,
  arch: 'x64' | 'arm64',
  env: NodeJS.ProcessEnv = process.env,
  projectRoot: string = root,
): { electronDist?: string } | { missing: string } {
  if (env.SEAMLESS_ELECTRON_DIST) {
    return existsSync(env.SEAMLESS_ELECTRON_DIST)
      ? { electronDist: env.SEAMLESS_ELECTRON_DIST }
      : { missing: `SEAMLESS_ELECTRON_DIST=${env.SEAMLESS_ELECTRON_DIST} does not exist.` };
  }
  const installed = installedElectronBinary(projectRoot);
  if (installed && arch === process.arch) return { electronDist: join(projectRoot, 'node_modules', 'electron', 'dist') };
  const cache = env.ELECTRON_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'electron');
  const zip = `electron-v${version}-linux-${arch}.zip`;
  if (existsSync(join(cache, zip))) return {};
  return {
    missing:
      `Electron ${version}'s binary for linux-${arch} is not on this machine (no node_modules/electron/dist, no ${join(cache, zip)}), ` +
      `and this command does not download it. Give it one: set SEAMLESS_ELECTRON_DIST to an unpacked Electron ${version} ` +
      `(electron-builder's electronDist), or put ${zip} in ${cache}.`,
  };
}

async function main(argv: string[]): Promise<number> {
  const version = electronVersion();
  const arches: ('x64' | 'arm64')[] = argv.includes('--arm64') ? ['x64', 'arm64'] : ['x64'];
  const sources = arches.map((a) => electronSource(version, a));
  const missing = sources.find((s): s is { missing: string } => 'missing' in s);
  if (missing) {
    console.error(`dist: ${missing.missing}`);
    return 1;
  }
  const dist = (sources[0] as { electronDist?: string }).electronDist;
  if (!existsSync(join(root, 'dist', 'agent', 'manifest.json')) || !existsSync(join(root, 'dist', 'electron', 'main.cjs'))) {
    console.error('dist: nothing built to package. Run: npm run build');
    return 1;
  }
  const { build, Platform } = await import('electron-builder');
  const config = builderConfig({ electronVersion: version, arches, ...(dist ? { electronDist: dist } : {}) });
  const out = await build({ targets: Platform.LINUX.createTarget(), config, projectDir: root, publish: 'never' });
  for (const f of out) console.log(f);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`dist: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
