// Why: loading a kernel for kexec is where the image store can be destroyed: kexec-tools picks
// the segments' places from /sys/firmware/memmap, which lists a memmap= reservation as ordinary
// RAM. So the placement kexec reports (-d) is checked against the store and, if a segment lands
// on it, the kernel is loaded again inside a window that avoids it (--mem-min/--mem-max), or
// refused. Used for the jump to the new kernel and for the jump back after a failed restore.
import { SeamlessError, tailOf } from '../../shared/errors';
import { sh, must } from '../exec/sh';
import { readText } from '../fs/readOptional';
import { hex, overlapping, parseKexecSegments, placementWindow, type Segment } from './kexecSegments';
import type { Journal } from './journal';
import type { RecordOf } from '../../shared/domain/journal';

/** What the stage record says about the load (without `back`, which the stage phase adds). */
export type Staged = Omit<RecordOf<'stage', 'done'>['data'], 'back'>;
import { pmemRange, ramTop } from './store';

export interface KernelToLoad {
  image: string;
  initrd: string | null;
  /** The whole command line the loaded kernel boots with. */
  cmdline: string;
}

export async function stageKernel(kernel: KernelToLoad, storeKind: 'pmem' | 'dir', journal: Journal, lockdown: boolean): Promise<Staged> {
  const { cmdline } = kernel;
  const base = [kernel.image, ...(kernel.initrd ? [`--initrd=${kernel.initrd}`] : []), `--command-line=${cmdline}`];
  await sh('kexec', ['-u']);
  if (lockdown) {
    // kexec_file_load: the kernel itself places the segments, in System RAM only (never the
    // memmap= reservation, which it does not count as RAM); no -d segment list to check.
    await must('KEXEC_LOAD_DENIED', 'kexec -s', 'kexec', ['-s', ...base]);
    return { syscall: 'kexec_file_load', cmdline };
  }
  const load = async (extra: string[]): Promise<Segment[]> => {
    const r = await sh('kexec', ['-l', '-d', ...extra, ...base], { timeoutMs: 120_000 });
    if (r.code !== 0) {
      const denied = /Operation not permitted|Permission denied|lockdown/i.test(r.stderr);
      throw new SeamlessError(denied ? 'KEXEC_LOAD_DENIED' : 'KEXEC_FAILED', `kexec -l ${kernel.image} failed (exit ${r.code})`, {
        evidence: tailOf(r.stderr),
      });
    }
    return parseKexecSegments(`${r.stdout}\n${r.stderr}`);
  };
  let segments = await load([]);
  const iomem = readText('/proc/iomem');
  const store = storeKind === 'pmem' ? pmemRange(iomem) : null;
  const show = (s: Segment[]) => s.map((x) => `${hex(x.mem)}+${hex(x.memsz)}`).join(' ');
  if (!store) return { syscall: 'kexec_load', cmdline, segments: show(segments), constrained: null };
  const bad = overlapping(segments, store);
  if (bad.length === 0)
    return { syscall: 'kexec_load', cmdline, segments: show(segments), store: `${hex(store.start)}-${hex(store.end)}`, constrained: null };
  journal.write({
    phase: 'stage',
    state: 'info',
    message: `kexec placed ${bad.length} segment(s) on the image store; reloading with a constrained window`,
    data: { step: 'segments-on-store', segments: show(bad) },
  });
  const need = segments.reduce((s, x) => s + x.memsz, 0) + 64 * 1024 * 1024;
  const win = placementWindow(store, ramTop(iomem), need);
  if (!win) {
    await sh('kexec', ['-u']);
    throw new SeamlessError('KEXEC_PLACEMENT_OVERLAP', 'No RAM window outside the image store is large enough for the new kernel', {
      evidence: `store ${hex(store.start)}-${hex(store.end)}, segments ${show(segments)}`,
    });
  }
  await sh('kexec', ['-u']);
  segments = await load([`--mem-min=${hex(win.memMin)}`, `--mem-max=${hex(win.memMax)}`]);
  // The purgatory's 1 MiB setup segment is fixed by the boot protocol; it is below the store.
  const still = overlapping(segments, store);
  if (still.length > 0) {
    await sh('kexec', ['-u']);
    throw new SeamlessError('KEXEC_PLACEMENT_OVERLAP', 'kexec still places segments on the image store with --mem-min/--mem-max', {
      evidence: show(still),
    });
  }
  return { syscall: 'kexec_load', cmdline, segments: show(segments), constrained: `${hex(win.memMin)}-${hex(win.memMax)}` };
}
