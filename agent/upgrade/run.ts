// Why: the upgrade before the kexec, run detached from any SSH session (`--run-upgrade <id>`,
// started by upgrade.start as its own systemd unit): preflight again, prepare the store and the
// boot hook, stage the kernel (placement checked against the store), pre-dump while running,
// sync, freeze and dump, verify, save the network lock, hold the services, and jump. Every step
// is journaled; any failure before the jump leaves the workloads running (a dumped one is
// restored in place) and the kernel unloaded.
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { release } from 'node:os';
import { parsePlan } from '../../shared/plan/plan';
import { SeamlessError, tailOf, toErrorInfo } from '../../shared/errors';
import type { PreflightResult } from '../../shared/domain/findings';
import { readHostFacts } from '../facts/hostFacts';
import { listInventory } from '../inventory/inventory';
import { resolveSelection } from '../../shared/plan/resolveSelection';
import { residencyOf } from '../footprint/fileResidency';
import { newKernelCmdline } from '../preflight/cmdline';
import { Journal } from './journal';
import { HOOK_UNIT, HOOK_UNIT_PATH, STORE_MOUNT, agentCopyPath, planPath, safeName, storeDir, upgradeDir } from './paths';
import { must, sh } from '../exec/sh';
import { ensurePmemDevice, makeStoreFs, mountStore, unmountStore } from './store';
import { stageKernel } from './stageKernel';
import { pageImageBytes, trackProgress } from './progress';
import { criuEvidence, criuSucceeded, pagesBytes, shouldPreDumpAgain } from './criuLog';
import { buildManifest, mergeManifests, prefixed, unprefixed, verifyManifest, type Manifest } from './manifest';
import { bootHookUnit, holdDropIn, holdDropInPath } from './units';
import { saveState, statePaths, writeDurable, type RunState, type WorkloadState } from './state';
import { restoreAll } from './restore';
import { readText } from '../fs/readOptional';

const MAX_PRE_DUMPS = 3;

const noRestartPath = (unit: string) => `/run/systemd/system/${unit}.d/50-seamless-no-restart.conf`;
const NO_RESTART = '# Seamless: the upgrade dumps this service; do not restart it on this kernel.\n[Service]\nRestart=no\n';

export const preflightPath = (id: string) => join(upgradeDir(id), 'preflight.json');

function listDir(dir: string): { name: string; size: number }[] {
  try {
    return readdirSync(dir).map((name) => ({ name, size: statSync(join(dir, name)).size }));
  } catch {
    return [];
  }
}

/** Manifest of a workload's image directory tree (all rounds), without logs written later. */
export const manifestSkip = (rel: string) =>
  rel === 'manifest.json' || /(^|\/)restore[^/]*\.log$/.test(rel) || rel.endsWith('restored.pid');

async function criu(kind: 'pre-dump' | 'dump', w: WorkloadState, dir: string, extra: string[]): Promise<{ ok: boolean; log: string }> {
  mkdirSync(dir, { recursive: true });
  const log = `${kind}.log`;
  const r = await sh('criu', [kind, '-t', String(w.rootPid), '-D', dir, '-o', log, '-v4', ...w.criuOptions, ...extra], {
    timeoutMs: 30 * 60_000,
  });
  const text = readText(join(dir, log)) || r.stderr;
  return { ok: criuSucceeded(kind, r.code, text), log: text };
}

/** Everything after the plan was accepted, up to the jump. */
export async function runUpgrade(id: string): Promise<number> {
  const journal = new Journal(id);
  const parsed = parsePlan(readFileSync(planPath(id), 'utf8'));
  if (!parsed.ok) {
    journal.write({ phase: 'fallback', state: 'done', message: `plan unreadable: ${parsed.message}`, data: { aborted: true } });
    return 1;
  }
  const plan = parsed.plan;
  const pre = JSON.parse(readFileSync(preflightPath(id), 'utf8')) as PreflightResult;
  const state: RunState = {
    id,
    node: process.execPath,
    agent: agentCopyPath(id),
    kernelBefore: release(),
    store:
      plan.store.kind === 'pmem'
        ? { kind: 'pmem', device: plan.store.device, mount: STORE_MOUNT, dax: false }
        : { kind: 'dir', path: plan.store.path },
    storeDir: plan.store.kind === 'pmem' ? storeDir(id) : join(plan.store.path, id),
    workloads: [],
    netLock: null,
    heldUnits: [],
    freezeAtMs: null,
    dumpedAtMs: null,
    kexecAtMs: null,
    kexecMode: plan.options.kexecMode,
    onRestoreFailure: plan.options.onRestoreFailure,
  };
  let kernelStaged = false;
  let frozen = false;
  const dumped: WorkloadState[] = [];

  const abort = async (err: unknown): Promise<number> => {
    const error = toErrorInfo(err);
    const undo: string[] = [];
    if (kernelStaged) {
      await sh('kexec', ['-u']);
      undo.push('staged kernel unloaded');
    }
    for (const unit of state.heldUnits) {
      rmSync(holdDropInPath(unit), { force: true });
      rmSync(noRestartPath(unit), { force: true });
    }
    if (state.heldUnits.length) await sh('systemctl', ['daemon-reload']);
    // A workload already dumped (and so killed) comes back right here, on this kernel.
    if (dumped.length > 0) {
      const r = await restoreAll({ ...state, workloads: dumped, heldUnits: [] }, journal, { sameBoot: true });
      undo.push(`restored ${r.restored}/${dumped.length} dumped workload(s) in place`);
    }
    await sh('systemctl', ['disable', '--now', HOOK_UNIT]);
    rmSync(HOOK_UNIT_PATH, { force: true });
    await sh('systemctl', ['daemon-reload']);
    undo.push('boot hook removed');
    journal.write({
      phase: 'fallback',
      state: 'done',
      message: `aborted ${frozen ? 'during the checkpoint' : 'before the freeze'}: ${error.message}; nothing was kexeced, the workloads keep running`,
      data: { aborted: true, cause: error.code, undo },
      error,
    });
    journal.write({ phase: 'report', state: 'done', message: 'upgrade aborted', data: { outcome: 'aborted' } });
    return 1;
  };

  try {
    // Fresh selection: PIDs and the cgroup as they are now (the plan may be minutes old).
    const selected = await journal.phase(
      'preflight',
      'resolve the selection again',
      async () => {
        if (!pre.canStart) throw new SeamlessError('PREFLIGHT_BLOCKED', 'preflight has blocking findings');
        const { found, unresolved } = resolveSelection(plan.workloads, listInventory({ details: 'none' }));
        if (unresolved.length > 0) throw new SeamlessError('WORKLOAD_NOT_FOUND', `no longer running: ${unresolved.join(', ')}`);
        return found;
      },
      (found) => ({
        data: { workloads: found.map((f) => ({ selector: f.selector, rootPid: f.workload.rootPid, pids: f.workload.pids.length })) },
      }),
    );
    for (const { selector, workload } of selected) {
      // Preflight derived the options (e.g. --shell-job for a tree that is not its own session).
      const criuOptions = pre.criuOptions[selector] ?? [];
      const unit = workload.kind === 'service' && selector.startsWith('unit:') ? workload.id.slice('unit:'.length) : null;
      state.workloads.push({
        selector,
        kind: workload.kind,
        name: workload.name,
        unit: unit && !unit.includes('.') ? `${unit}.service` : unit,
        rootPid: workload.rootPid,
        pids: workload.pids,
        cgroup: workload.cgroup,
        dir: join(state.storeDir, safeName(selector), 'dump'),
        preDumpDirs: [],
        criuOptions,
        estimatedBytes: workload.memory.anonBytes + workload.memory.shmemBytes,
        bytesDumped: 0,
        residency: [],
      });
    }
    state.heldUnits = state.workloads.flatMap((w) => (w.unit ? [w.unit] : []));

    await journal.phase(
      'prepare',
      'make and mount the image store, install the boot hook',
      async () => {
        let note: string | null = null;
        if (state.store.kind === 'pmem') {
          await ensurePmemDevice(state.store.device);
          await unmountStore(STORE_MOUNT);
          await makeStoreFs(state.store.device);
          const m = await mountStore(state.store.device, STORE_MOUNT);
          state.store.dax = m.dax;
          note = m.note;
          if (!m.dax) journal.write({ phase: 'prepare', state: 'info', message: `the store is mounted WITHOUT DAX: ${m.note ?? ''}` });
        }
        mkdirSync(state.storeDir, { recursive: true });
        journal.mirrorTo(join(state.storeDir, 'journal.jsonl'));
        copyFileSync(planPath(id), join(state.storeDir, 'plan.json'));
        writeFileSync(HOOK_UNIT_PATH, bootHookUnit(state.node, state.agent, state.heldUnits));
        await must('UPGRADE_START_FAILED', 'installing the boot hook', 'systemctl', ['daemon-reload']);
        await must('UPGRADE_START_FAILED', 'enabling the boot hook', 'systemctl', ['enable', HOOK_UNIT]);
        saveState(statePaths(state), state);
        return note;
      },
      (note) => ({ data: { store: state.store, storeDir: state.storeDir, hook: HOOK_UNIT_PATH, note } }),
    );

    const facts = await readHostFacts();
    const lockdown = (facts.kexec.lockdown !== null && facts.kexec.lockdown !== 'none') || facts.kexec.secureBoot === 'enabled';
    await journal.phase(
      'stage',
      `kexec ${lockdown ? '-s' : '-l'} ${plan.kernel.image}`,
      async () => {
        const r = await stageKernel(
          {
            image: plan.kernel.image,
            initrd: plan.kernel.initrd,
            cmdline: newKernelCmdline(readText('/proc/cmdline').trim(), plan.kernel.cmdline, id),
          },
          plan.store.kind,
          journal,
          lockdown,
        );
        kernelStaged = true;
        // Where a failed restore goes back to (policy kexec-back): this kernel, this command line.
        const image = `/boot/vmlinuz-${state.kernelBefore}`;
        const initrd = `/boot/initrd.img-${state.kernelBefore}`;
        state.back = existsSync(image)
          ? {
              image,
              initrd: existsSync(initrd) ? initrd : null,
              cmdline: newKernelCmdline(readText('/proc/cmdline').trim(), null, id),
              lockdown,
            }
          : null;
        return { ...r, back: state.back ? state.back.image : `none: ${image} does not exist` };
      },
      (data) => ({ data }),
    );

    if (plan.options.preDump) {
      for (const w of state.workloads) {
        const t0 = Date.now();
        journal.write({ phase: 'pre-dump', state: 'begin', message: `pre-dump ${w.selector} (pid ${w.rootPid})` });
        const rounds: number[] = [];
        let failed: string | null = null;
        while (shouldPreDumpAgain(rounds, MAX_PRE_DUMPS)) {
          const n = rounds.length + 1;
          const dir = join(dirname(w.dir), `pre-${n}`);
          const prev = w.preDumpDirs.length ? ['--prev-images-dir', `../pre-${n - 1}`] : [];
          const stop = trackProgress(journal, {
            phase: 'pre-dump',
            what: `${w.selector} round ${n}`,
            bytesTotal: n === 1 ? (w.estimatedBytes ?? null) : null,
            measure: () => pageImageBytes(dir),
          });
          const r = await criu('pre-dump', w, dir, ['--track-mem', ...prev]).finally(stop);
          if (!r.ok) {
            failed = criuEvidence(r.log);
            break;
          }
          w.preDumpDirs.push(dir);
          rounds.push(pagesBytes(listDir(dir)));
        }
        if (failed !== null) {
          // Not fatal: the dump then writes everything itself (longer freeze, same result).
          journal.write({
            phase: 'pre-dump',
            state: 'failed',
            message: `pre-dump of ${w.selector} failed after ${rounds.length} round(s); the dump will be a full one`,
            durationMs: Date.now() - t0,
            error: { code: 'PRE_DUMP_FAILED', message: 'criu pre-dump failed', evidence: failed },
          });
          for (const d of w.preDumpDirs) rmSync(d, { recursive: true, force: true });
          w.preDumpDirs = [];
        } else {
          journal.write({
            phase: 'pre-dump',
            state: 'done',
            message: `${rounds.length} pre-dump round(s) of ${w.selector}`,
            durationMs: Date.now() - t0,
            data: { selector: w.selector, roundBytes: rounds },
          });
        }
      }
    } else {
      journal.write({ phase: 'pre-dump', state: 'skipped', message: 'plan.options.preDump is off' });
    }

    await journal.phase('pre-sync', 'sync while the workloads run', async () => {
      await sh('sync', [], { timeoutMs: 10 * 60_000 });
    });

    for (const w of state.workloads) {
      // The page cache the workload leans on, just before it is frozen.
      w.residency = (await residencyOf(w.pids))
        .filter((f) => (f.residentBytes ?? 0) > 0)
        .map((f) => ({ path: f.path, residentBytes: f.residentBytes ?? 0, sizeBytes: f.sizeBytes ?? 0 }));
    }
    // CRIU kills what it dumped; systemd must not restart a held service cold on this kernel
    // in the seconds before the jump. A runtime drop-in (in /run: gone with the kexec).
    for (const unit of state.heldUnits) writeDurable(noRestartPath(unit), NO_RESTART);
    if (state.heldUnits.length) await must('UPGRADE_START_FAILED', 'daemon-reload', 'systemctl', ['daemon-reload']);

    // Pre-dump rounds are final once written: hash them now, while the workloads run.
    const preManifests = new Map<string, Manifest>();
    for (const w of state.workloads) {
      preManifests.set(w.selector, mergeManifests(w.preDumpDirs.map((d) => prefixed(basename(d), buildManifest(d, manifestSkip)))));
    }
    const timing = { criuMs: 0, manifestMs: 0 };
    state.freezeAtMs = Date.now();
    frozen = true;
    await journal.phase(
      'checkpoint',
      `criu dump ${state.workloads.map((w) => w.selector).join(', ')}`,
      async () => {
        for (const w of state.workloads) {
          const tc = Date.now();
          const prev = w.preDumpDirs.length ? ['--track-mem', '--prev-images-dir', `../pre-${w.preDumpDirs.length}`] : [];
          const stop = trackProgress(journal, {
            phase: 'checkpoint',
            what: `${w.selector} dump`,
            bytesTotal: w.preDumpDirs.length ? null : (w.estimatedBytes ?? null),
            measure: () => pageImageBytes(w.dir),
          });
          const r = await criu('dump', w, w.dir, prev).finally(stop);
          if (!r.ok) {
            throw new SeamlessError(
              'CRIU_DUMP_FAILED',
              `criu dump of ${w.selector} (pid ${w.rootPid}) failed; CRIU resumed its processes`,
              {
                evidence: criuEvidence(r.log),
                details: { selector: w.selector, log: join(w.dir, 'dump.log') },
              },
            );
          }
          dumped.push(w);
          timing.criuMs += Date.now() - tc;
          const tm = Date.now();
          // Only the final dump is hashed under the freeze; the pre-dump rounds were hashed
          // while the workload still ran (they do not change after their round).
          const wdir = dirname(w.dir);
          const dumpPart = prefixed('dump', buildManifest(w.dir, manifestSkip));
          verifyManifest(w.dir, unprefixed('dump', dumpPart));
          const manifest = mergeManifests([preManifests.get(w.selector) ?? { files: [], totalBytes: 0 }, dumpPart]);
          writeDurable(join(wdir, 'manifest.json'), `${JSON.stringify(manifest)}\n`);
          timing.manifestMs += Date.now() - tm;
          w.bytesDumped = pagesBytes(listDir(w.dir));
          w.preDumpDirs.forEach((d) => (w.bytesDumped += pagesBytes(listDir(d))));
        }
        state.dumpedAtMs = Date.now();
        if (state.workloads.some((w) => w.criuOptions.includes('--tcp-established'))) {
          // CRIU's network lock (iptables DROP rules) must still be there when restore runs.
          const dir = join(state.storeDir, 'netlock');
          mkdirSync(dir, { recursive: true });
          const v4 = await sh('iptables-save', []);
          const v6 = await sh('ip6tables-save', []);
          state.netLock = { v4: null, v6: null };
          if (v4.code === 0) writeDurable((state.netLock.v4 = join(dir, 'iptables.rules')), v4.stdout);
          if (v6.code === 0) writeDurable((state.netLock.v6 = join(dir, 'ip6tables.rules')), v6.stdout);
        }
        saveState(statePaths(state), state);
        return state.workloads;
      },
      (ws) => ({
        data: {
          freezeAtMs: state.freezeAtMs,
          bytesDumped: ws.reduce((s, w) => s + w.bytesDumped, 0),
          ...timing,
          workloads: ws.map((w) => ({ selector: w.selector, rootPid: w.rootPid, processes: w.pids.length, bytesDumped: w.bytesDumped })),
          netLock: state.netLock !== null,
        },
      }),
    );
  } catch (err) {
    return abort(err);
  }

  // The point of no easy return: hold the services for the restore boot, then jump.
  try {
    for (const unit of state.heldUnits) {
      writeDurable(holdDropInPath(unit), holdDropIn(state.node, state.agent, id, unit));
    }
    if (state.heldUnits.length) await must('KEXEC_FAILED', 'daemon-reload', 'systemctl', ['daemon-reload']);
    state.kexecAtMs = Date.now();
    saveState(statePaths(state), state);
    journal.write({
      phase: 'kexec',
      state: 'begin',
      message: `${state.kexecMode === 'direct' ? 'kexec -e' : 'systemctl kexec'} into ${plan.kernel.release ?? plan.kernel.image}`,
      data: { kexecAtMs: state.kexecAtMs, heldUnits: state.heldUnits },
    });
    journal.mirrorTo(null);
    await sh('sync', []);
    if (state.kexecMode === 'direct') {
      await unmountStore(STORE_MOUNT);
      await sh('sync', []);
      const r = await sh('kexec', ['-e']);
      throw new SeamlessError('KEXEC_FAILED', `kexec -e returned (exit ${r.code})`, { evidence: tailOf(r.stderr) });
    }
    const r = await sh('systemctl', ['kexec']);
    if (r.code !== 0) throw new SeamlessError('KEXEC_FAILED', `systemctl kexec failed (exit ${r.code})`, { evidence: tailOf(r.stderr) });
    return 0; // systemd stops this unit on its way down
  } catch (err) {
    journal.write({ phase: 'kexec', state: 'failed', message: toErrorInfo(err).message, error: toErrorInfo(err) });
    if (state.store.kind === 'pmem') await mountStore(state.store.device, STORE_MOUNT).catch(() => undefined);
    return abort(err);
  }
}
