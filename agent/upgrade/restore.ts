// Why: the other side of the kexec, run by seamless-restore.service with no controller: mount
// the store, check the images, put the network lock back, `criu restore -d` every workload,
// hand systemd services back to systemd (or release them to start cold), then rewarm the page
// cache and write the report in the background. Also used on the old kernel when the jump
// did not happen, to bring dumped workloads back in place.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { release } from 'node:os';
import { SeamlessError, tailOf, toErrorInfo } from '../../shared/errors';
import type { JournalRecord, UpgradeReport } from '../../shared/domain/upgrade';
import { Journal, readJournal } from './journal';
import { HOLD_RUN_DIR, HOOK_UNIT, HOOK_UNIT_PATH, STORE_MOUNT, reportPath, statePath } from './paths';
import { sh, sleep } from '../exec/sh';
import { ensurePmemDevice, mountStore, unmountStore } from './store';
import { stageKernel } from './stageKernel';
import { criuEvidence, criuSucceeded } from './criuLog';
import { verifyManifest, type Manifest } from './manifest';
import { loadState, saveState, statePaths, writeDurable, type RunState, type WorkloadState } from './state';
import { holdDropInPath, holdPidFile, restoredPidFile } from './units';
import { readText } from '../fs/readOptional';
import type { Socket } from 'node:net';
import { openJournalStream, restoreOptions } from '../criu/journalStream';
import { leftoverLockRules, lockedAddresses } from '../criu/networkLock';

/** The pids of a process tree, from /proc/PID/task/PID/children. */
export function treePids(root: number): number[] {
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    if (!existsSync(`/proc/${pid}`)) continue;
    out.push(pid);
    for (const t of (() => {
      try {
        return readdirSync(`/proc/${pid}/task`);
      } catch {
        return [];
      }
    })()) {
      for (const c of readText(`/proc/${pid}/task/${t}/children`).trim().split(/\s+/)) if (c) stack.push(Number(c));
    }
  }
  return out.sort((a, b) => a - b);
}

const cgroupOf = (pid: number | 'self') => /^0::(.*)$/m.exec(readText(`/proc/${pid}/cgroup`))?.[1] ?? null;

/** Loads the saved network lock (CRIU's iptables rules) into the kernel again. */
async function loadNetworkLock(lock: NonNullable<RunState['netLock']>): Promise<{ tool: string; code: number; stderr: string }[]> {
  const results: { tool: string; code: number; stderr: string }[] = [];
  for (const [tool, file] of [
    ['iptables-restore', lock.v4],
    ['ip6tables-restore', lock.v6],
  ] as const) {
    if (!file) continue;
    const r = await sh(tool, [], { input: readText(file) });
    results.push({ tool, code: r.code, stderr: r.stderr.slice(0, 500) });
  }
  return results;
}

/**
 * CRIU's repair-mode connect() needs the socket's own address to be local and a route to its
 * peer, and this boot's network is not up yet: each locked local address and a host route to
 * each peer go on lo for the restore, and come off right after it. The sockets find the real
 * interface and route once the network is configured (the lock keeps their peers out until
 * CRIU lifts it).
 */
async function borrowAddressesOnLoopback(lock: { v4: string | null; v6: string | null }): Promise<{
  added: string[];
  errors: string[];
  undo: () => Promise<void>;
}> {
  const added: string[][] = [];
  const errors: string[] = [];
  const run = async (args: string[]) => {
    const r = await sh('ip', args);
    if (r.code === 0) added.push(args);
    else errors.push(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
  };
  for (const [family, file, bits] of [
    ['-4', lock.v4, 32],
    ['-6', lock.v6, 128],
  ] as const) {
    if (!file) continue;
    const { peers, locals } = lockedAddresses(readText(file));
    for (const local of locals) await run([family, 'addr', 'add', `${local}/${bits}`, 'dev', 'lo', ...(family === '-6' ? ['nodad'] : [])]);
    for (const peer of peers) await run([family, 'route', 'add', `${peer}/${bits}`, 'dev', 'lo']);
  }
  return {
    added: added.map((a) => `ip ${a.join(' ')}`),
    errors,
    undo: async () => {
      for (const a of [...added].reverse()) {
        const del = a.map((x) => (x === 'add' ? 'del' : x)).filter((x) => x !== 'nodad');
        await sh('ip', del);
      }
    },
  };
}

async function removeLeftoverLocks(): Promise<string[]> {
  const removed: string[] = [];
  for (const [save, tool] of [
    ['iptables-save', 'iptables'],
    ['ip6tables-save', 'ip6tables'],
  ] as const) {
    const saved = await sh(save, ['-t', 'filter']);
    if (saved.code !== 0) continue;
    for (const args of leftoverLockRules(saved.stdout)) {
      if ((await sh(tool, ['-w', ...args])).code === 0) removed.push(`${tool} ${args.join(' ')}`);
    }
  }
  return removed;
}

/** Safer options for the one retry: close TCP instead of carrying it, leave cgroups to the restorer. */
export function saferOptions(opts: string[]): string[] {
  return [
    ...opts.filter((o) => o !== '--manage-cgroups' && o !== '--tcp-established'),
    ...(opts.includes('--tcp-established') ? ['--tcp-close'] : []),
  ];
}

async function restoreOne(w: WorkloadState, opts: string[], log: string): Promise<{ ok: boolean; evidence: string; pid: number | null }> {
  const pidfile = join(w.dir, 'restored.pid');
  rmSync(pidfile, { force: true });
  const { args, inodes } = restoreOptions(opts);
  let streams: Socket[] = [];
  try {
    const identifier = (w.unit ?? w.selector).replace(/\.service$/, '');
    streams = await Promise.all(inodes.map(() => openJournalStream(identifier, w.unit)));
  } catch (err) {
    for (const s of streams) s.destroy();
    return { ok: false, evidence: `cannot open a journal stream to hand to the restored process: ${String(err)}`, pid: null };
  }
  const r = await sh('criu', ['restore', '-D', w.dir, '-o', log, '-v4', '--restore-detached', '--pidfile', pidfile, ...args], {
    timeoutMs: 30 * 60_000,
    passFds: streams,
  });
  // The restored process holds its own copy of each stream now.
  for (const s of streams) s.destroy();
  const text = readText(join(w.dir, log)) || r.stderr;
  const ok = criuSucceeded('restore', r.code, text);
  const pid = Number(readText(pidfile).trim()) || null;
  return { ok, evidence: criuEvidence(text), pid };
}

/** Moves a restored tree out of this process's cgroup (systemd would kill it with the hook unit). */
function moveOutOfOwnCgroup(state: RunState, w: WorkloadState, pids: number[]): string | null {
  const own = cgroupOf('self');
  const theirs = cgroupOf(w.rootPid);
  if (!own || theirs !== own) return theirs;
  const target = `/sys/fs/cgroup/seamless.slice/restored-${state.id}-${w.rootPid}`;
  mkdirSync(target, { recursive: true });
  for (const pid of pids) {
    try {
      writeFileSync(join(target, 'cgroup.procs'), String(pid));
    } catch {
      // exited meanwhile
    }
  }
  return cgroupOf(w.rootPid);
}

export interface RestoreOutcome {
  restored: number;
  failed: string[];
}

export async function restoreAll(state: RunState, journal: Journal, opts: { sameBoot: boolean }): Promise<RestoreOutcome> {
  const failed: string[] = [];
  let restored = 0;
  const t0 = Date.now();
  journal.write({
    phase: 'restore',
    state: 'begin',
    message: `restore ${state.workloads.map((w) => w.selector).join(', ')}${opts.sameBoot ? ' (in place, on the old kernel)' : ''}`,
  });

  // Dentry cache: the files the images reopen are looked up once here, not under the freeze's clock.
  for (const w of state.workloads) for (const f of w.residency) statSync(f.path, { throwIfNoEntry: false });

  if (state.netLock) {
    for (const r of await loadNetworkLock(state.netLock)) {
      journal.write({
        phase: 'restore',
        state: 'info',
        message: `${r.tool} of the network lock: exit ${r.code}`,
        data: { stderr: r.stderr },
      });
    }
  }

  // The hook runs before the network is configured: see borrowAddressesOnLoopback.
  const carriesTcp = state.workloads.some((w) => w.criuOptions.includes('--tcp-established'));
  const borrowed = carriesTcp && state.netLock ? await borrowAddressesOnLoopback(state.netLock) : null;
  if (borrowed)
    journal.write({
      phase: 'restore',
      state: 'info',
      message: `while TCP sockets are restored: ${borrowed.added.length} address(es) and route(s) of their connections on lo`,
      data: { added: borrowed.added, errors: borrowed.errors },
    });
  const handBack: { unit: string; ok: boolean; pid: number | null }[] = [];
  const restoredPids: number[] = [];
  for (const w of state.workloads) {
    const wdir = dirname(w.dir);
    try {
      const tv = Date.now();
      verifyManifest(wdir, JSON.parse(readText(join(wdir, 'manifest.json'))) as Manifest);
      journal.write({
        phase: 'restore',
        state: 'info',
        message: `${w.selector}: images match their manifest`,
        durationMs: Date.now() - tv,
      });
    } catch (err) {
      failed.push(w.selector);
      journal.write({
        phase: 'restore',
        state: 'info',
        message: `${w.selector}: images rejected`,
        error: toErrorInfo(err, 'MANIFEST_MISMATCH'),
      });
      if (w.unit) handBack.push({ unit: w.unit, ok: false, pid: null });
      continue;
    }
    const tr = Date.now();
    let r = await restoreOne(w, w.criuOptions, 'restore.log');
    if (!r.ok) {
      const safer = saferOptions(w.criuOptions);
      journal.write({
        phase: 'restore',
        state: 'info',
        message: `${w.selector}: criu restore failed; retrying once with ${safer.join(' ') || 'no options'}`,
        error: { code: 'CRIU_RESTORE_FAILED', message: 'criu restore failed', evidence: r.evidence },
      });
      r = await restoreOne(w, safer, 'restore-retry.log');
    }
    if (!r.ok) {
      failed.push(w.selector);
      journal.write({
        phase: 'restore',
        state: 'info',
        message: `${w.selector}: criu restore failed twice; images kept in ${w.dir}`,
        error: { code: 'CRIU_RESTORE_FAILED', message: `criu restore of ${w.selector} failed`, evidence: r.evidence },
      });
      if (w.unit) handBack.push({ unit: w.unit, ok: false, pid: null });
      continue;
    }
    restored++;
    const pids = treePids(w.rootPid);
    restoredPids.push(...pids);
    const cgroup = moveOutOfOwnCgroup(state, w, pids);
    journal.write({
      phase: 'restore',
      state: 'info',
      message: `${w.selector}: restored ${pids.length} process(es), root pid ${r.pid ?? w.rootPid}`,
      durationMs: Date.now() - tr,
      data: { selector: w.selector, rootPid: r.pid ?? w.rootPid, pids, processes: pids.length, cgroup },
    });
    if (w.unit) handBack.push({ unit: w.unit, ok: true, pid: r.pid ?? w.rootPid });
  }
  await borrowed?.undo();
  if (state.netLock) {
    // A socket restored closed (the safer retry) or not at all leaves CRIU's lock behind; the
    // peer should get a reset, not silence.
    const removed = await removeLeftoverLocks();
    if (removed.length > 0)
      journal.write({
        phase: 'restore',
        state: 'info',
        message: `removed ${removed.length} leftover network-lock rule(s)`,
        data: { removed },
      });
  }
  if (!opts.sameBoot && failed.length > 0 && state.onRestoreFailure === 'kexec-back' && !state.backAttempted) {
    // Returns only when the jump back could not be made (journaled); then the services start cold here.
    await goBack(state, journal, failed, restoredPids);
  }
  const restoredAtMs = Date.now();
  journal.write({
    phase: 'restore',
    state: failed.length === 0 ? 'done' : 'failed',
    message: failed.length === 0 ? `restored ${restored} workload(s)` : `restored ${restored}, failed ${failed.join(', ')}`,
    durationMs: restoredAtMs - t0,
    data: {
      restoredAtMs,
      blackoutMs: state.freezeAtMs !== null ? restoredAtMs - state.freezeAtMs : null,
      restored,
      failed,
    },
    ...(failed.length ? { error: { code: 'CRIU_RESTORE_FAILED' as const, message: `not restored: ${failed.join(', ')}` } } : {}),
  });

  if (!opts.sameBoot && state.heldUnits.length > 0) {
    const t1 = Date.now();
    mkdirSync(HOLD_RUN_DIR, { recursive: true });
    const cold: string[] = [];
    for (const h of handBack) {
      if (h.ok && h.pid) {
        writeFileSync(holdPidFile(h.unit), `${h.pid}\n`);
        writeFileSync(restoredPidFile(h.unit), `${h.pid}\n`);
        writeFileSync(`${HOLD_RUN_DIR}/${h.unit}.verdict`, 'adopt\n');
      } else {
        // Release the hold: without the drop-in the unit is its old self and starts cold
        // when its start job runs (it is ordered after this hook).
        rmSync(holdDropInPath(h.unit), { force: true });
        writeFileSync(`${HOLD_RUN_DIR}/${h.unit}.verdict`, 'cold\n');
        cold.push(h.unit);
      }
    }
    if (cold.length) await sh('systemctl', ['daemon-reload']);
    journal.write({
      phase: 'release',
      state: 'info',
      message: `held units: ${handBack.map((h) => `${h.unit} → ${h.ok ? `adopt pid ${h.pid}` : 'start cold'}`).join(', ')}`,
      durationMs: Date.now() - t1,
      data: { adopt: handBack.filter((h) => h.ok).map((h) => h.unit), cold, policy: state.onRestoreFailure },
    });
  }
  return { restored, failed };
}

/**
 * Policy kexec-back: every workload goes back to the old kernel together, restored there from
 * the same images (untouched by the failed attempt). The ones restored here have not been on
 * the network yet (this hook runs before it), so they are stopped and restored again there.
 * The held services stay held; the network lock is put back. Returns only if the jump could not
 * be made, after saying why.
 */
async function goBack(state: RunState, journal: Journal, failed: string[], restoredPids: number[]): Promise<void> {
  const back = state.back;
  journal.write({
    phase: 'fallback',
    state: 'begin',
    message: `restore of ${failed.join(', ')} failed on ${release()}; policy kexec-back: back to ${state.kernelBefore}, where all workloads are restored from the same images`,
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
    const staged = await stageKernel(back, state.store.kind, journal, back.lockdown);
    state.backAttempted = true;
    state.kexecAtMs = Date.now();
    saveState(statePaths(state), state);
    journal.write({
      phase: 'kexec',
      state: 'begin',
      message: `kexec -e back into ${state.kernelBefore}`,
      data: { kexecAtMs: state.kexecAtMs, back: true, stopped: restoredPids.length, ...staged },
    });
    journal.mirrorTo(null);
    await sh('sync', []);
    if (state.store.kind === 'pmem') await unmountStore(STORE_MOUNT);
    await sh('sync', []);
    const r = await sh('kexec', ['-e']);
    throw new SeamlessError('KEXEC_FAILED', `kexec -e returned (exit ${r.code})`, { evidence: tailOf(r.stderr) });
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

/** `--restore-from-cmdline`: the boot hook's entry point. */
export async function restoreFromCmdline(): Promise<number> {
  const m = /(?:^|\s)seamless\.restore=([a-z0-9-]+)/.exec(readText('/proc/cmdline'));
  if (!m) {
    process.stderr.write('seamless: no seamless.restore= on the kernel command line\n');
    return 0;
  }
  const id = m[1]!;
  const journal = new Journal(id);
  let state: RunState;
  try {
    state = loadState(statePath(id));
  } catch (err) {
    journal.write({ phase: 'boot', state: 'failed', message: `no state for ${id}`, error: toErrorInfo(err, 'UPGRADE_NOT_FOUND') });
    return 1;
  }
  const uptime = Number(readText('/proc/uptime').split(' ')[0]);
  const now = Date.now();
  journal.write({
    phase: 'boot',
    state: 'done',
    message: `booted ${release()}; restore hook started ${uptime.toFixed(1)} s after the kernel`,
    durationMs: state.kexecAtMs !== null ? now - state.kexecAtMs : undefined,
    data: { kernelAfter: release(), uptimeAtHookS: uptime, cmdline: readText('/proc/cmdline').trim() },
  });
  try {
    if (state.store.kind === 'pmem') {
      await ensurePmemDevice(state.store.device);
      const mount = await mountStore(state.store.device, STORE_MOUNT);
      journal.write({ phase: 'restore', state: 'info', message: `store mounted${mount.dax ? ' (dax)' : ''}`, data: { note: mount.note } });
    }
    journal.mirrorTo(join(state.storeDir, 'journal.jsonl'));
  } catch (err) {
    const error = toErrorInfo(err, 'STORE_PREPARE_FAILED');
    journal.write({ phase: 'restore', state: 'failed', message: `the image store cannot be mounted: ${error.message}`, error });
    state.workloads = state.workloads.map((w) => ({ ...w, dir: '/nonexistent' }));
  }
  const outcome = await restoreAll(state, journal, { sameBoot: false });
  // Rewarm, hand-back confirmation and the report run on after this hook has finished, so
  // that the boot goes on (KillMode=process keeps this child alive).
  const child = spawn(state.node, [state.agent, '--after-restore', id], { detached: true, stdio: 'ignore' });
  child.unref();
  return outcome.failed.length === 0 ? 0 : 1;
}

/** `--adopt <id> <unit>`: the held unit's ExecStart; exits 0 when the restored process is its to take. */
export async function adopt(id: string, unit: string): Promise<number> {
  const verdict = `${HOLD_RUN_DIR}/${unit}.verdict`;
  if (!new RegExp(`(?:^|\\s)seamless\\.restore=${id}(?:\\s|$)`).test(readText('/proc/cmdline'))) {
    process.stderr.write(
      `seamless: ${unit} is held for upgrade ${id}, but this boot is not its restore boot; remove ${holdDropInPath(unit)}\n`,
    );
    return 1;
  }
  for (let i = 0; i < 20 * 60 * 5 && !existsSync(verdict); i++) await sleep(200);
  const v = readText(verdict).trim();
  process.stderr.write(`seamless: ${unit}: ${v || 'no verdict'}; main pid ${readText(holdPidFile(unit)).trim()}\n`);
  return v === 'adopt' ? 0 : 1;
}

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

export function buildReport(state: RunState, records: JournalRecord[]): UpgradeReport {
  const phases = records
    .filter((r) => (r.state === 'done' || r.state === 'failed') && r.durationMs !== undefined)
    .map((r) => ({ phase: r.phase, durationMs: r.durationMs!, ok: r.state === 'done' }));
  const restoredInfo = records.filter((r) => r.phase === 'restore' && r.state === 'info' && typeof r.data?.selector === 'string');
  const restoreEnd = [...records].reverse().find((r) => r.phase === 'restore' && (r.state === 'done' || r.state === 'failed'));
  const adopted = new Set(
    ([...records].reverse().find((r) => r.phase === 'release' && r.state === 'done')?.data?.adopted as string[] | undefined) ?? [],
  );
  const failed = (restoreEnd?.data?.failed as string[] | undefined) ?? [];
  const unmanaged =
    ([...records].reverse().find((r) => r.phase === 'release' && r.state === 'failed')?.data?.unmanaged as string[] | undefined) ?? [];
  // After a jump back there are two boots; the last one is where the workloads are now.
  const boot = [...records].reverse().find((r) => r.phase === 'boot' && r.state === 'done');
  return {
    id: state.id,
    outcome:
      failed.length > 0 ? 'cold-started' : state.backAttempted ? 'rolled-back' : unmanaged.length > 0 ? 'restored-unmanaged' : 'restored',
    kernelBefore: state.kernelBefore,
    kernelAfter: (boot?.data?.kernelAfter as string | undefined) ?? null,
    phases,
    blackoutMs: (restoreEnd?.data?.blackoutMs as number | null | undefined) ?? null,
    bytesDumped: state.workloads.reduce((s, w) => s + w.bytesDumped, 0),
    workloads: state.workloads.map((w) => {
      const info = [...restoredInfo].reverse().find((r) => r.data?.selector === w.selector);
      return {
        selector: w.selector,
        rootPid: w.rootPid,
        processes: (info?.data?.processes as number | undefined) ?? 0,
        bytesDumped: w.bytesDumped,
        restored: !failed.includes(w.selector) && info !== undefined,
        handedBackTo: w.unit && adopted.has(w.unit) ? w.unit : null,
      };
    }),
  };
}

/** `--after-restore <id>`: confirm the hand-back, drop the holds, rewarm, report. */
export async function afterRestore(id: string): Promise<number> {
  const journal = new Journal(id);
  const state = loadState(statePath(id));
  journal.mirrorTo(join(state.storeDir, 'journal.jsonl'));
  if (state.heldUnits.length > 0) {
    const t0 = Date.now();
    const adopted: string[] = [];
    const unmanaged: string[] = [];
    const problems: string[] = [];
    for (const unit of state.heldUnits) {
      const verdict = readText(`${HOLD_RUN_DIR}/${unit}.verdict`).trim();
      if (verdict !== 'adopt') continue;
      let active = '';
      for (let i = 0; i < 600; i++) {
        active = (await sh('systemctl', ['is-active', unit])).stdout.trim();
        if (active === 'active' || active === 'failed') break;
        await sleep(500);
      }
      const mainPid = Number((await sh('systemctl', ['show', '-p', 'MainPID', '--value', unit])).stdout.trim());
      const expected = Number(readText(restoredPidFile(unit)).trim());
      if (active === 'active' && mainPid === expected) adopted.push(unit);
      else {
        const alive = expected > 0 && existsSync(`/proc/${expected}`);
        problems.push(
          `${unit} is ${active} (MainPID ${mainPid}); the restored process ${expected} ${alive ? 'runs on, unmanaged: stop it before restarting the unit' : 'is gone'}`,
        );
        unmanaged.push(unit);
      }
      rmSync(holdDropInPath(unit), { force: true });
    }
    await sh('systemctl', ['daemon-reload']);
    journal.write({
      phase: 'release',
      state: problems.length ? 'failed' : 'done',
      message: problems.length ? `hand-back incomplete: ${problems.join('; ')}` : `systemd took back ${adopted.join(', ') || 'nothing'}`,
      durationMs: Date.now() - t0,
      data: { adopted, unmanaged, problems },
      ...(problems.length ? { error: { code: 'SYSTEMD_HANDBACK_FAILED' as const, message: problems.join('; ') } } : {}),
    });
  }
  journal.write({ phase: 'verify', state: 'skipped', message: 'the plan has no health check' });
  await journal
    .phase(
      'rewarm',
      'read back the page cache the workloads had resident',
      async () => {
        let bytes = 0;
        let files = 0;
        for (const w of state.workloads) {
          for (const f of w.residency) {
            bytes += readBack(f.path, Math.min(f.sizeBytes || f.residentBytes, 4 * f.residentBytes + 1024 * 1024));
            files++;
          }
        }
        return { bytes, files };
      },
      (r) => ({ message: `read back ${r.files} file(s), ${r.bytes} bytes`, data: r }),
    )
    .catch(() => undefined);
  await sh('systemctl', ['disable', HOOK_UNIT]);
  rmSync(HOOK_UNIT_PATH, { force: true });
  await sh('systemctl', ['daemon-reload']);
  const report = buildReport(state, readJournal(journal.path));
  const text = `${JSON.stringify(report, null, 2)}\n`;
  writeDurable(reportPath(id), text);
  try {
    writeDurable(join(state.storeDir, 'report.json'), text);
  } catch {
    // store gone: the state directory copy is the report
  }
  saveState([statePath(id)], state);
  journal.write({
    phase: 'report',
    state: 'done',
    message: `report written (${report.outcome})`,
    data: { outcome: report.outcome, report: reportPath(id) },
  });
  return 0;
}
