// Why: `npm start` opens the desktop app when Electron's binary is installed. Where it is not
// (it is fetched from outside the npm registry, which some machines cannot reach), it says so
// in one line and starts the browser mode instead, rather than failing or hanging on a download.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handInLab } from '../bin/labProvider.cjs';

const root = join(__dirname, '..');

/** The Electron binary's path if it is installed; never triggers electron's lazy download. */
export function installedElectronBinary(projectRoot: string = root): string | null {
  const pkgDir = join(projectRoot, 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return existsSync(p) ? p : null;
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

function run(cmd: string, args: string[]): void {
  const child = spawn(cmd, args, { stdio: 'inherit' });
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (require.main === module) {
  // A launcher of a checkout hands in the test lab as a host when this machine has one (as
  // bin/seamless.cjs does for the CLI and the browser mode); a packaged app has no lab.
  handInLab({ forApp: true });
  const electron = installedElectronBinary();
  if (electron) {
    run(electron, [join(root, 'dist', 'electron', 'main.cjs')]);
  } else {
    console.log('Electron binary is not installed (node_modules/electron/dist is missing); starting the browser mode instead.');
    run(process.execPath, [join(root, 'bin', 'seamless.cjs'), 'serve', ...process.argv.slice(2)]);
  }
}
