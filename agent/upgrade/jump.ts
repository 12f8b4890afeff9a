// Why: the kexec sequence, forward and back, written once: the kexec record (naming the target
// kernel) goes to the journal while the store is still mounted, then the mirror stops, sync,
// unmount, sync, and `kexec -e` (or the orderly `systemctl kexec`, which stops every other
// service first). `kexec -e` returns only when it failed; `systemctl kexec` returns at once and
// systemd stops this unit on its way down.
import { SeamlessError, tailOf } from '../../shared/errors';
import type { TargetKernel } from '../../shared/domain/journal';
import { sh } from '../exec/sh';
import type { Journal } from './journal';
import { STORE_MOUNT } from './paths';
import { unmountStore } from './store';
import type { RunState } from './state';

export async function jump(
  state: RunState,
  journal: Journal,
  j: { target: TargetKernel; mode: 'direct' | 'systemctl'; back: boolean; message: string },
): Promise<void> {
  journal.write({
    phase: 'kexec',
    state: 'begin',
    message: j.message,
    data: { kexecAtMs: state.kexecAtMs ?? Date.now(), target: j.target, mode: j.mode, back: j.back, heldUnits: state.heldUnits },
  });
  journal.mirrorTo(null);
  await sh('sync', []);
  if (j.mode === 'direct') {
    if (state.store.kind === 'pmem') await unmountStore(STORE_MOUNT);
    await sh('sync', []);
    const r = await sh('kexec', ['-e']);
    throw new SeamlessError('KEXEC_FAILED', `kexec -e returned (exit ${r.code})`, { evidence: tailOf(r.stderr) });
  }
  const r = await sh('systemctl', ['kexec']);
  if (r.code !== 0) throw new SeamlessError('KEXEC_FAILED', `systemctl kexec failed (exit ${r.code})`, { evidence: tailOf(r.stderr) });
}
