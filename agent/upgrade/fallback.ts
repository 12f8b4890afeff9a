// Why: phase "fallback": what runs when a step fails, so that failure never loses a workload.
// Before the jump: abort (a workload its dump left stopped continued at once, the staged kernel
// unloaded, the holds and the boot hook removed, a workload already dumped and killed restored in
// place on this kernel), outcome `aborted`. After the jump,
// policy kexec-back: every workload goes back to the old kernel together and is restored there
// from the same images.
import { release } from 'node:os';
import { rmSync } from 'node:fs';
import { SeamlessError, toErrorInfo } from '../../shared/errors';
import { sh } from '../exec/sh';
import { loadNetworkLock } from '../criu/networkLockCommands';
import { noRestartPath } from './checkpoint';
import { awaitGone, thaw } from './dumpedTasks';
import type { Journal } from './journal';
import { jump } from './jump';
import { HOOK_UNIT, HOOK_UNIT_PATH, STORE_MOUNT } from './paths';
import { finish } from './report';
import { endRestore, restoreWorkloads } from './restore';
import { stageKernel } from './stageKernel';
import { saveState, statePaths, type RunState, type WorkloadState } from './state';
import { mountStore } from './store';
import { containerHoldUnits, holdDropInPath } from './units';

/** Stops the upgrade before the jump; everything keeps running. Returns the run's exit code. */
export async function abortBeforeJump(
  state: RunState,
  journal: Journal,
  err: unknown,
  at: { kernelStaged: boolean; frozen: boolean; dumped: WorkloadState[]; stopped: WorkloadState[]; killed: number[] },
  failedAtMs = Date.now(),
): Promise<number> {
  const error = toErrorInfo(err);
  const undo: string[] = [];
  // First of all, the workloads a dump left stopped run again: nothing else is as urgent.
  let thawed: { workloads: string[]; tasks: number; afterMs: number } | undefined;
  if (at.stopped.length > 0) {
    const tasks = thaw(at.stopped);
    thawed = { workloads: at.stopped.map((w) => w.selector), tasks, afterMs: Date.now() - failedAtMs };
    undo.push(`continued ${at.stopped.length} dumped workload(s) (${tasks} task(s)) ${thawed.afterMs} ms after the failure`);
  }
  if (at.kernelStaged) {
    await sh('kexec', ['-u']);
    undo.push('staged kernel unloaded');
  }
  for (const unit of state.heldUnits) {
    rmSync(holdDropInPath(unit), { force: true });
    rmSync(noRestartPath(unit), { force: true });
  }
  for (const unit of containerHoldUnits(state)) rmSync(holdDropInPath(unit), { force: true });
  if (state.heldUnits.length || containerHoldUnits(state).length) await sh('systemctl', ['daemon-reload']);
  // A workload already dumped (and so killed) comes back right here, on this kernel.
  const lostInPlace: string[] = [];
  if (at.dumped.length > 0) {
    // Their PIDs free first (the checkpoint killed them without waiting for their exit).
    const left = await awaitGone(at.killed);
    if (left.length > 0)
      undo.push(
        `pid(s) ${left.join(', ')} did not exit within 10 s of SIGKILL (uninterruptible sleep?); their trees cannot be restored in place while they hold those PIDs`,
      );
    // Eagerly: no after-restore process follows here to see a lazy fill through.
    const inPlace = { ...state, workloads: at.dumped.map((w) => ({ ...w, restoreMode: 'eager' as const })), heldUnits: [] };
    const r = await restoreWorkloads(inPlace, journal, { sameBoot: true });
    endRestore(inPlace, journal, r);
    lostInPlace.push(...r.failed);
    undo.push(`restored ${r.restored.length}/${at.dumped.length} dumped workload(s) in place`);
  }
  // Never started on this boot (it runs on the next one): its link and file go, no reload.
  await sh('systemctl', ['--no-reload', 'disable', HOOK_UNIT]);
  rmSync(HOOK_UNIT_PATH, { force: true });
  undo.push('boot hook removed');
  journal.write({
    phase: 'fallback',
    state: 'done',
    message: `aborted ${at.frozen ? 'during the checkpoint' : 'before the freeze'}: ${error.message}; nothing was kexeced, ${
      lostInPlace.length ? `but ${lostInPlace.join(', ')} could not be restored in place (images kept)` : 'the workloads keep running'
    }`,
    data: { aborted: true, cause: error.code, undo, ...(thawed ? { thawed } : {}) },
    error,
  });
  finish(journal, state);
  return 1;
}

/**
 * Policy kexec-back: every workload goes back to the old kernel together, restored there from
 * the same images (untouched by the failed attempt). The ones restored here have not been on
 * the network yet (this hook runs before it), so they are stopped and restored again there.
 * The held services stay held; the network lock is put back. Returns only if the jump could not
 * be made, after saying why.
 */
export async function kexecBack(state: RunState, journal: Journal, failed: string[], restoredPids: number[]): Promise<void> {
  const back = state.back;
  journal.write({
    phase: 'fallback',
    state: 'begin',
    message: `restore of ${failed.join(', ')} failed on ${release()}; policy kexec-back: back to ${state.kernelBefore}, where all workloads are restored from the same images`,
    data: { policy: 'kexec-back' },
  });
  try {
    if (!back) throw new SeamlessError('KEXEC_FAILED', `the old kernel's image is not in /boot (vmlinuz-${state.kernelBefore})`);
    for (const pid of restoredPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    if (state.netLock) await loadNetworkLock(state.netLock);
    await journal.phase(
      'stage',
      `kexec ${back.lockdown ? '-s' : '-l'} ${back.image} (back)`,
      () => stageKernel(back, state.store.kind, journal, back.lockdown),
      (data, durationMs) => ({ phase: 'stage', state: 'done', message: `old kernel staged (${data.syscall})`, durationMs, data }),
    );
    state.backAttempted = true;
    state.kexecAtMs = Date.now();
    saveState(statePaths(state), state);
    await jump(state, journal, {
      target: { release: state.kernelBefore, image: back.image },
      mode: 'direct',
      back: true,
      message: `kexec -e back into ${state.kernelBefore} (${restoredPids.length} restored process(es) stopped)`,
    });
  } catch (err) {
    const error = toErrorInfo(err, 'KEXEC_FAILED');
    if (state.store.kind === 'pmem') await mountStore(state.store.device, STORE_MOUNT).catch(() => undefined);
    journal.write({
      phase: 'fallback',
      state: 'failed',
      message: `cannot go back to ${state.kernelBefore}: ${error.message}; the held services are released to start cold on ${release()} instead (the images stay in the store)`,
      error,
    });
  }
}
