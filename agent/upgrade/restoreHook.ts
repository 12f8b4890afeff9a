// Why: the other side of the kexec, run by seamless-restore.service with no controller. The
// hook (`--restore-from-cmdline`) reads the state (validated), mounts the store, restores, tries
// the jump back when the policy says so, and gives the held services their verdicts; then it
// ends so the boot goes on, and `--after-restore` (detached) confirms the hand-back, rewarms and
// reports. Whatever stops it, the held services are released to start cold (never left
// waiting), the images are kept, and the journal ends with the outcome.
import { planOptionsOf } from './report';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { release } from 'node:os';
import { SeamlessError, toErrorInfo } from '../../shared/errors';
import type { JournalRecord } from '../../shared/domain/journal';
import { sh } from '../exec/sh';
import { readText } from '../fs/readOptional';
import { parseStat, USER_HZ } from '../proc/stat';
import { kexecBack } from './fallback';
import { confirmHandBack, releaseHeld, releaseHoldsOf } from './handBack';
import { Journal, listUpgrades } from './journal';
import { HOLD_RUN_DIR, HOOK_UNIT, HOOK_UNIT_PATH, interruptedRestorePath, STORE_MOUNT, statePath } from './paths';
import { holdDropInPath } from './units';
import { finish } from './report';
import { endRestore, nothingRestored, restoreContainersAfterBoot, restoreWorkloads, type Restored } from './restore';
import { rewarm } from './rewarm';
import { superviseLazyFills } from './lazyFill';
import { loadState, saveState, type RunState } from './state';
import { ensurePmemDevice, mountStore } from './store';

/** Its link and file removed, so that no later boot runs it; the running systemd is not reloaded for that (it ran already). */
async function removeBootHook(): Promise<void> {
  await sh('systemctl', ['--no-reload', 'disable', HOOK_UNIT]);
  rmSync(HOOK_UNIT_PATH, { force: true });
}

/** The hook cannot go on (no readable state, or an internal error): release, keep images, report `failed`. */
async function stopRestore(id: string, journal: Journal, err: unknown): Promise<number> {
  const error = toErrorInfo(err, 'AGENT_INTERNAL');
  const released = await releaseHoldsOf(id);
  await removeBootHook();
  journal.write({
    phase: 'fallback',
    state: 'done',
    message: `the restore stopped: ${error.message}; ${released.length ? `${released.join(', ')} released to start cold` : 'no held service'}, the images stay in the store`,
    data: { aborted: false, cause: error.code, undo: [...released.map((u) => `released ${u} to start cold`), 'boot hook removed'] },
    error,
  });
  finish(journal, null);
  return 1;
}

/** When PID 1 started (USER_HZ ticks after boot, proc(5)): the end of the kernel's own boot. */
function initStart(): { initStartS?: number } {
  const ticks = parseStat(readText('/proc/1/stat'))?.startTicks;
  return ticks !== undefined && Number.isFinite(ticks) ? { initStartS: ticks / USER_HZ } : {};
}

/** What the journal says about where the upgrade was when the host went down. */
function whyInterrupted(records: readonly JournalRecord[]): string {
  const restoreBoot = records.findLast((r) => r.phase === 'boot' && r.state === 'done');
  if (restoreBoot) return `the host went down during the restore on ${restoreBoot.kernel}`;
  const jump = records.findLast((r) => r.phase === 'kexec' && r.state === 'begin');
  if (jump) return 'the new kernel did not come up, or the host went down during the jump';
  return 'the host was reset after the dump, before the jump';
}

/** The state of an upgrade whose dump had ended (images complete), or null. */
function dumpedState(id: string): RunState | null {
  try {
    const state = loadState(statePath(id));
    return state.dumpedAtMs !== null ? state : null;
  } catch {
    return null;
  }
}

/**
 * A boot without `seamless.restore=` while an upgrade is still unfinished: the host was reset
 * (after the dump, before the jump or during the restore), or the new kernel did not boot and the
 * machine came back on another one. When the dump had ended, the images are restored here, on
 * this kernel, exactly as on the restore boot (each checked against its manifest first: a store
 * that did not survive the reset, or a damaged image, is refused and that workload's service
 * starts cold). Otherwise nothing can be restored: the held services start as on any boot (their
 * holds go before they start), and the journal says what happened.
 */
async function interruptedBoot(): Promise<number> {
  const pending = listUpgrades().filter((u) => u.state === 'running');
  let code = 0;
  let restoring = false;
  for (const u of pending) {
    const journal = new Journal(u.id);
    const state = dumpedState(u.id);
    if (state) {
      restoring = true;
      code = Math.max(code, await restoreOnThisBoot(state, journal, true));
      continue;
    }
    const released = await releaseHoldsOf(u.id);
    const error = new SeamlessError(
      'UPGRADE_INTERRUPTED',
      `the host booted ${release()} without the restore of ${u.id} (reset before the jump, or the new kernel did not come up)`,
    ).toInfo();
    journal.write({
      phase: 'fallback',
      state: 'done',
      message: `interrupted: ${error.message}; ${released.length ? `${released.join(', ')} start normally` : 'no held service'}; no dump had ended, so nothing can be restored`,
      data: { aborted: false, cause: error.code, undo: [...released.map((u2) => `released ${u2} to start normally`), 'boot hook removed'] },
      error,
    });
    finish(journal, null);
  }
  // A restore here removes the hook when it has finished (--after-restore).
  if (!restoring) await removeBootHook();
  return code;
}

/** `--restore-from-cmdline`: the boot hook's entry point. */
export async function restoreFromCmdline(): Promise<number> {
  const m = /(?:^|\s)seamless\.restore=([a-z0-9-]+)/.exec(readText('/proc/cmdline'));
  if (!m) return interruptedBoot();
  const id = m[1]!;
  const journal = new Journal(id);
  let state: RunState;
  try {
    state = loadState(statePath(id));
  } catch (err) {
    const error = toErrorInfo(err, 'UPGRADE_NOT_FOUND');
    journal.write({ phase: 'boot', state: 'failed', message: `booted ${release()}; no readable state for ${id}: ${error.message}`, error });
    return stopRestore(id, journal, err);
  }
  return restoreOnThisBoot(state, journal, false);
}

/**
 * The restore on this boot: the one Seamless staged, or (`interrupted`) an ordinary boot after
 * a reset or a new kernel that did not come up, where the workloads go back onto this kernel.
 */
async function restoreOnThisBoot(state: RunState, journal: Journal, interrupted: boolean): Promise<number> {
  const id = state.id;
  const uptime = Number(readText('/proc/uptime').split(' ')[0]);
  journal.write({
    phase: 'boot',
    state: 'done',
    message: interrupted
      ? `booted ${release()} without the restore of ${id} (${whyInterrupted(journal.records())}); the workloads are restored from their images on this kernel`
      : `booted ${release()}; restore hook started ${uptime.toFixed(1)} s after the kernel`,
    durationMs: !interrupted && state.kexecAtMs !== null ? Date.now() - state.kexecAtMs : undefined,
    data: {
      kernelAfter: release(),
      uptimeAtHookS: uptime,
      ...initStart(),
      cmdline: readText('/proc/cmdline').trim(),
      ...(interrupted ? { interrupted: true } : {}),
    },
  });
  let restored: Restored | null = null;
  try {
    // A held service is adopted only where its hold was written (just before the jump); one
    // without starts by itself on this boot, so its images are left alone.
    const unheld = interrupted ? state.workloads.filter((w) => w.unit !== null && !existsSync(holdDropInPath(w.unit))) : [];
    if (interrupted) {
      mkdirSync(HOLD_RUN_DIR, { recursive: true });
      writeFileSync(interruptedRestorePath, `${id}\n`);
    }
    // Containers come back later, through their runtimes (restoreContainersAfterBoot): docker
    // needs its daemon, which starts after this hook.
    const toRestore = { ...state, workloads: state.workloads.filter((w) => !unheld.includes(w) && !w.container) };
    let storeReady = true;
    try {
      if (state.store.kind === 'pmem') {
        const t0 = Date.now();
        // Its drivers were loaded by the hook's command beside the agent's start (units.ts); the
        // mount is here: made there too, it took CPU from the kernel probe beside it, and the
        // restore after it ran 0.2–0.5 s longer on the lab.
        await ensurePmemDevice(state.store.device);
        const t1 = Date.now();
        const mount = await mountStore(state.store.device, STORE_MOUNT);
        journal.write({
          phase: 'restore',
          state: 'info',
          message: `store mounted${mount.dax ? ' (dax)' : ''}`,
          durationMs: Date.now() - t0,
          data: { step: 'store-mounted', dax: mount.dax, note: mount.note, deviceMs: t1 - t0, mountMs: Date.now() - t1 },
        });
      }
      journal.mirrorTo(join(state.storeDir, 'journal.jsonl'));
    } catch (err) {
      storeReady = false;
      const error = toErrorInfo(err, 'STORE_PREPARE_FAILED');
      journal.write({
        phase: 'restore',
        state: 'info',
        message: `the image store cannot be mounted: ${error.message}; every workload is given up, its service starts cold`,
        data: { step: 'store-unavailable', device: state.store.kind === 'pmem' ? state.store.device : state.store.path },
        error,
      });
    }
    // Only containers: nothing for this hook to restore (their restore writes the restore records).
    const onlyContainers = state.workloads.length > 0 && state.workloads.every((w) => w.container);
    restored = onlyContainers
      ? nothingRestored(toRestore, false)
      : storeReady
        ? await restoreWorkloads(toRestore, journal, { sameBoot: false })
        : nothingRestored(toRestore, false);
    for (const w of unheld) {
      restored.failed.push(w.selector);
      restored.handBack.push({ unit: w.unit!, ok: false, pid: null });
      journal.write({
        phase: 'restore',
        state: 'info',
        message: `${w.selector}: its hold was not written before the host went down, so it starts as on any boot; images kept in ${w.dir}`,
        data: { step: 'gave-up', selector: w.selector, dir: w.dir },
      });
    }
    if (!interrupted && restored.failed.length > 0 && state.onRestoreFailure === 'kexec-back' && !state.backAttempted) {
      // Returns only when the jump back could not be made (journaled); then the services start cold here.
      await kexecBack(state, journal, restored.failed, restored.restoredPids);
    }
    if (!onlyContainers) endRestore(state, journal, restored);
    await releaseHeld(state, journal, restored);
  } catch (err) {
    return stopRestore(id, journal, err);
  }
  // Rewarm, hand-back confirmation and the report run on after this hook has finished, so
  // that the boot goes on (KillMode=process keeps this child alive).
  spawn(state.node, [state.agent, '--after-restore', id], { detached: true, stdio: 'ignore' }).unref();
  return restored.failed.length === 0 ? 0 : 1;
}

/** `--after-restore <id>`: confirm the hand-back, drop the holds, rewarm, report. */
export async function afterRestore(id: string): Promise<number> {
  const journal = new Journal(id);
  let state: RunState | null = null;
  let warming: Promise<void> = Promise.resolve();
  let filling: Promise<void> = Promise.resolve();
  try {
    state = loadState(statePath(id));
    journal.mirrorTo(join(state.storeDir, 'journal.jsonl'));
    // Lazily restored trees run already; their fills are seen through beside everything below.
    filling = superviseLazyFills(state, journal);
    await restoreContainersAfterBoot(state, journal);
    // The rewarm starts now, beside the hand-back's confirmation (which waits on systemd): the
    // workloads run already, and every second it starts later they read a cold cache themselves.
    if (planOptionsOf(id).rewarm) warming = rewarm(state, journal);
    else
      journal.write({
        phase: 'rewarm',
        state: 'skipped',
        message: 'the plan turns the rewarm off: the page cache fills as the workloads read',
      });
    await confirmHandBack(state, journal);
    journal.write({ phase: 'verify', state: 'skipped', message: 'the plan has no health check' });
    await warming;
    await filling;
    await removeBootHook();
    saveState([statePath(id)], state);
  } finally {
    // The report is written whatever happened above (after the rewarm: it never fails): every upgrade ends with its outcome.
    await warming;
    await filling.catch(() => undefined);
    finish(journal, state);
  }
  return 0;
}
