// Why: phase "rewarm": the page cache does not survive the kexec on stock kernels, so the file
// ranges the workloads had resident before the freeze are read back, in the background, after
// the restore (bounded per file: a little more than was resident, never past the file). A file
// that a restored process holds under a lease (CRIU restores leases) is left alone: opening it
// would break the lease and kill its holder.
import { closeSync, openSync, readSync } from 'node:fs';
import { withoutLeased } from '../footprint/fileResidency';
import type { Journal } from './journal';
import type { RunState } from './state';

function readBack(path: string, max: number): number {
  let done = 0;
  const buf = Buffer.alloc(1024 * 1024);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return 0;
  }
  try {
    while (done < max) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, max - done), null);
      if (n <= 0) break;
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return done;
}

export async function rewarm(state: RunState, journal: Journal): Promise<void> {
  await journal
    .phase(
      'rewarm',
      'read back the page cache the workloads had resident',
      async () => {
        let bytes = 0;
        let files = 0;
        for (const w of state.workloads) {
          const { leased } = withoutLeased(w.residency.map((f) => f.path));
          for (const f of w.residency) {
            if (leased.has(f.path)) continue;
            bytes += readBack(f.path, Math.min(f.sizeBytes || f.residentBytes, 4 * f.residentBytes + 1024 * 1024));
            files++;
          }
        }
        return { bytes, files };
      },
      (r, durationMs) => ({
        phase: 'rewarm',
        state: 'done',
        message: `read back ${r.files} file(s), ${r.bytes} bytes`,
        durationMs,
        data: r,
      }),
    )
    .catch(() => undefined);
}
