// Why: phase "rewarm": the page cache does not survive the kexec on stock kernels, so the file
// ranges the workloads had resident before the freeze are read back, in the background, as soon
// as the restore has ended (beside the hand-back's confirmation, which only waits on systemd):
// a workload that reads them back itself, in its own small scattered reads, takes far longer on a
// real disk than these large sequential ones (bench:rewarm) (bounded per file: a little more than was resident, never past the file). A file
// that a restored process holds under a lease (CRIU restores leases) is left alone: opening it
// would break the lease and kill its holder.
import { open } from 'node:fs/promises';
import { withoutLeased } from '../footprint/fileResidency';
import type { Journal } from './journal';
import type { RunState } from './state';

/** Reads up to `max` bytes of the file into the page cache (asynchronously: the hand-back confirmation goes on beside it). */
async function readBack(path: string, max: number, buf: Buffer): Promise<number> {
  let done = 0;
  let f;
  try {
    f = await open(path, 'r');
  } catch {
    return 0;
  }
  try {
    while (done < max) {
      const { bytesRead } = await f.read(buf, 0, Math.min(buf.length, max - done), null);
      if (bytesRead <= 0) break;
      done += bytesRead;
    }
  } catch {
    // gone or unreadable meanwhile: what was read is in the cache
  } finally {
    await f.close();
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
        const buf = Buffer.alloc(1024 * 1024);
        for (const w of state.workloads) {
          const { leased } = withoutLeased(w.residency.map((f) => f.path));
          for (const f of w.residency) {
            if (leased.has(f.path)) continue;
            bytes += await readBack(f.path, Math.min(f.sizeBytes || f.residentBytes, 4 * f.residentBytes + 1024 * 1024), buf);
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
