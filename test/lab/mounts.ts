// Why: building the image needs /proc, /sys and /dev inside the build chroot,
// and an interrupted build can leave them mounted. Deleting a directory with
// the host's /dev bind-mounted inside would delete the host's /dev, so every
// cleanup first finds (in /proc/self/mountinfo) and unmounts whatever is
// mounted below the build directory, deepest first, and checks it worked.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { run } from './run.js';
import { LabError } from './errors.js';

/** Mount points from /proc/self/mountinfo text (octal escapes decoded). */
export function parseMountPoints(mountinfo: string): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 5) continue;
    out.push(fields[4]!.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))));
  }
  return out;
}

/** Mount points at or below `dir`, deepest first (the order to unmount them). */
export function mountsUnder(mountPoints: readonly string[], dir: string): string[] {
  const base = resolve(dir);
  return mountPoints
    .filter((m) => m === base || m.startsWith(`${base}/`))
    .sort((a, b) => b.split('/').length - a.split('/').length || b.length - a.length);
}

export function currentMountsUnder(dir: string): string[] {
  return mountsUnder(parseMountPoints(readFileSync('/proc/self/mountinfo', 'utf8')), dir);
}

/** Unmount everything below `dir`; lazily if a plain umount fails. Throws if any remain. */
export async function unmountAllUnder(dir: string): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const mounts = currentMountsUnder(dir);
    if (mounts.length === 0) return;
    for (const m of mounts) {
      const r = await run('umount', [m]);
      if (r.code !== 0) await run('umount', ['-l', m]);
    }
  }
  const left = currentMountsUnder(dir);
  if (left.length > 0) {
    throw new LabError('COMMAND_FAILED', `cannot unmount ${left.join(', ')}; remove them by hand before rebuilding`);
  }
}
