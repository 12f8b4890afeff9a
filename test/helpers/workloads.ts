// Test helper: start real workload processes detached from the test (re-parented away from the
// test runner, as a service's processes would be), and stop them afterwards.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const workloadScript = (name: string) => join(__dirname, '../integration/workloads', name);

export interface Started<T> {
  info: T;
  kill(): void;
}

/**
 * Runs `node script args…` in its own session, re-parented away from the test (a shell starts
 * it in the background and exits), and resolves with the JSON line it prints.
 */
export function startDetached<T extends { pid: number }>(script: string, args: string[]): Promise<Started<T>> {
  return startDetachedCommand<T>([process.execPath, script, ...args]);
}

/** The same for any program (`argv[0]` found on PATH). */
export function startDetachedCommand<T extends { pid: number }>(argv: string[]): Promise<Started<T>> {
  const script = argv.join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', '"$0" "$@" &', ...argv], {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const group = child.pid!;
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${script} printed nothing in 20 s`)), 20_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(timer);
      child.stdout.destroy();
      child.unref();
      const info = JSON.parse(out.slice(0, nl)) as T;
      resolve({
        info,
        kill: () => {
          try {
            process.kill(-group, 'SIGKILL');
          } catch {
            // already gone
          }
        },
      });
    });
    child.on('error', reject);
  });
}
