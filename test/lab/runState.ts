// Why: `up`, `down`, `status` and `ssh` run as separate processes; the run
// directory's state.json plus QEMU's pidfile are how they agree on which VM is
// running, from which image, on which port. A pidfile alone is not trusted: the
// PID must still be a qemu-system-x86_64 whose command line names our overlay.
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { imagePaths, runPaths } from './labPaths.js';

/**
 * The lab as a host for the app and the CLI: the provider file the launchers hand in
 * (shared/domain/providedHost.ts), written with the run state so it always says what runs.
 */
export const hostProviderPath = (root: string) => join(root, 'host.json');

/**
 * How the app starts and stops the lab (the provider's `control`): this checkout's lab CLI under
 * the node that runs it now, printing progress as JSON lines.
 */
function labControl() {
  const checkout = resolve(import.meta.dirname, '../..');
  const cli = [process.execPath, join(checkout, 'node_modules/tsx/dist/cli.mjs'), join(checkout, 'test/lab/cli.ts')];
  return { cwd: checkout, start: [...cli, 'up', '--progress-json'], stop: [...cli, 'down', '--progress-json'] };
}

export function writeHostProvider(root: string, s: RunState | null): void {
  const running = s !== null;
  const doc = {
    version: 1,
    id: 'lab',
    label: 'Lab VM',
    state: running ? 'running' : 'stopped',
    hint: 'Start it with: npm run lab -- up',
    control: labControl(),
    target: running
      ? {
          host: '127.0.0.1',
          port: s.port,
          user: 'root',
          identityFile: imagePaths(root, s.imageKey).clientKey,
          knownHostsFile: runPaths(root).knownHosts,
        }
      : null,
  };
  const p = hostProviderPath(root);
  mkdirSync(root, { recursive: true });
  writeFileSync(`${p}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(`${p}.tmp`, p);
}

export interface RunState {
  pid: number;
  port: number;
  /** Host ports forwarded to guest services, by name (absent in state written before they existed). */
  forwards?: Record<string, { host: number; guest: number }>;
  imageKey: string;
  kernel: string;
  cmdline: string;
  startedAt: string;
}

export function readRunState(root: string): RunState | undefined {
  const p = runPaths(root).state;
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as RunState;
  } catch {
    return undefined;
  }
}

export function writeRunState(root: string, s: RunState): void {
  const p = runPaths(root).state;
  writeFileSync(`${p}.tmp`, `${JSON.stringify(s, null, 2)}\n`);
  renameSync(`${p}.tmp`, p);
  writeHostProvider(root, s);
}

export function clearRunState(root: string): void {
  const r = runPaths(root);
  for (const p of [r.state, r.pidfile, r.overlay]) rmSync(p, { force: true });
  writeHostProvider(root, null);
}

/** The PID from QEMU's pidfile, if that process is our QEMU. */
export function liveQemuPid(root: string): number | undefined {
  const r = runPaths(root);
  if (!existsSync(r.pidfile)) return undefined;
  const pid = Number(readFileSync(r.pidfile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return isOurQemu(pid, r.overlay) ? pid : undefined;
}

export function isOurQemu(pid: number, overlay: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return (argv[0] ?? '').includes('qemu-system') && argv.some((a) => a.includes(overlay));
  } catch {
    return false;
  }
}
