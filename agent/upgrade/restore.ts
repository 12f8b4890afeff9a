// Why: phase "restore": on the new boot, before the network and the held services (and on the
// old kernel, in place, when an abort follows a dump): the network lock put back with the
// connections' addresses borrowed on lo, then per workload the manifest checked, `criu restore
// -d` with a fresh journal stream, one retry with safer options, the restored tree moved out of
// the hook's cgroup. Ends with the restore record (blackout measured from the freeze).
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Socket } from 'node:net';
import { toErrorInfo } from '../../shared/errors';
import { sh } from '../exec/sh';
import { readText } from '../fs/readOptional';
import { treePids } from '../proc/processTree';
import { openJournalStream, restoreOptions } from '../criu/journalStream';
import { borrowAddressesOnLoopback, loadNetworkLock, removeLeftoverLocks } from '../criu/networkLockCommands';
import { criuEvidence, criuSucceeded } from './criuLog';
import { CRIU_LOG_DEBUG, CRIU_LOG_INFO, type CriuLogLevel } from '../criu/logLevel';
import type { Journal } from './journal';
import type { RecordOf } from '../../shared/domain/journal';
import { releaseContainerHolds } from './handBack';
import { containerHoldUnits } from './units';
import { checkBeforeRestore, checkPageImages, pageImagesMismatch, readManifest, verifyManifest, type Manifest } from './manifest';
import { awaitGone, killStopped, stopTogether, thaw } from './dumpedTasks';
import { trackProgress } from './progress';
import { awaitLazyEnd, LAZY_RUNNING, lazyStatus, startLazyPages, stopLazyPages } from './lazyPages';
import { linkLazyViews, writeLazyPagemaps } from './lazyViews';
import { PAGE_SIZE } from '../criu/pagemapImage';
import { criuConcurrency, forEachBounded } from '../exec/bounded';
import { formatBytes } from '../../shared/format';
import {
  coldStartContainer,
  isContainer,
  releaseRestartPolicy,
  removeLink,
  restoreContainer,
  type ContainerWorkload,
} from '../containers/runtimeCheckpoint';
import type { RunState, WorkloadState } from './state';

const cgroupOf = (pid: number | 'self') => /^0::(.*)$/m.exec(readText(`/proc/${pid}/cgroup`))?.[1] ?? null;

/** Safer options for the one retry: close TCP instead of carrying it, leave cgroups to the restorer. */
export function saferOptions(opts: string[]): string[] {
  return [
    ...opts.filter((o) => o !== '--manage-cgroups' && o !== '--tcp-established'),
    ...(opts.includes('--tcp-established') ? ['--tcp-close'] : []),
  ];
}

async function restoreOne(
  w: WorkloadState,
  opts: string[],
  log: string,
  how: { extra?: string[]; timeoutMs?: number; imagesDir?: string; level?: CriuLogLevel } = {},
): Promise<{ ok: boolean; evidence: string; pid: number | null }> {
  const { extra = [], timeoutMs = 30 * 60_000, imagesDir = w.dir, level = CRIU_LOG_INFO } = how;
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
  // --leave-stopped: the tree runs again only once its page images have passed their check.
  const r = await sh(
    'criu',
    ['restore', '-D', imagesDir, '-o', log, level, '--restore-detached', '--leave-stopped', '--pidfile', pidfile, ...extra, ...args],
    {
      timeoutMs,
      passFds: streams,
    },
  );
  // The restored process holds its own copy of each stream now.
  for (const s of streams) s.destroy();
  const text = readText(join(w.dir, log)) || r.stderr;
  return { ok: criuSucceeded('restore', r.code, text), evidence: criuEvidence(text), pid: Number(readText(pidfile).trim()) || null };
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

/** A container restored by its runtime (see runtimeCheckpoint.ts); false when it was not. */
async function restoreThroughRuntime(w: ContainerWorkload, journal: Journal, out: Restored): Promise<boolean> {
  const r = await restoreContainer(w);
  if (!r.ok) {
    journal.write({
      phase: 'restore',
      state: 'info',
      message: `${w.selector}: ${w.container.runtime} could not restore it; images kept in ${w.dir}`,
      durationMs: r.ms,
      data: { step: 'gave-up', selector: w.selector, dir: w.dir },
      error: { code: 'CRIU_RESTORE_FAILED', message: `${w.container.runtime} restore of ${w.container.name} failed`, evidence: r.evidence },
    });
    return false;
  }
  await removeLink(w);
  const policy = await releaseRestartPolicy(w);
  const rootPid = r.pid ?? w.rootPid;
  const pids = treePids(rootPid);
  out.restored.push(w.selector);
  out.restoredPids.push(...pids);
  journal.write({
    phase: 'restore',
    state: 'info',
    message: `${w.selector}: ${w.container.runtime} restored container ${w.container.name} (${w.container.id.slice(0, 12)}), ${pids.length} process(es), init pid ${rootPid}${(r.notes ?? []).map((n) => `; ${n}`).join('')}${
      policy
        ? policy.code === 0
          ? `; restart policy ${w.container.restartPolicy} again`
          : `; its restart policy could NOT be set back to ${w.container.restartPolicy}: ${policy.stderr.trim()}`
        : ''
    }`,
    durationMs: r.ms,
    data: { step: 'restored', selector: w.selector, rootPid, pids, processes: pids.length, cgroup: cgroupOf(rootPid) },
  });
  return true;
}

/** A container not restored starts cold as a reboot would have started it (its restart policy); its images stay. */
async function startContainerCold(w: ContainerWorkload, journal: Journal): Promise<void> {
  const c = await coldStartContainer(w);
  const what = c.started
    ? c.ok
      ? `started cold by ${w.container.runtime} (restart policy ${w.container.restartPolicy}), init pid ${c.pid ?? '?'}`
      : `its cold start failed too`
    : `left stopped (restart policy ${w.container.restartPolicy}): start it with ${w.container.runtime} start ${w.container.name}`;
  journal.write({
    phase: 'restore',
    state: 'info',
    message: `${w.selector}: ${what}`,
    durationMs: c.ms,
    data: { step: 'cold-started', selector: w.selector, started: c.started && c.ok, rootPid: c.pid },
    ...(c.ok
      ? {}
      : {
          error: {
            code: 'CRIU_RESTORE_FAILED' as const,
            message: `${w.container.runtime} start ${w.container.name} failed`,
            evidence: c.evidence,
          },
        }),
  });
}

/** A workload whose images failed their check: journaled, given up (images kept). */
function rejectImages(journal: Journal, w: WorkloadState, err: unknown): false {
  const error = toErrorInfo(err, 'MANIFEST_MISMATCH');
  journal.write({
    phase: 'restore',
    state: 'info',
    message: `${w.selector}: images rejected: ${error.message}`,
    data: { step: 'images-rejected', selector: w.selector },
    error,
  });
  return false;
}

/** A container: its images checked whole first (its runtime cannot hold the restored tasks), then restored by its runtime. */
async function restoreContainerChecked(w: ContainerWorkload, journal: Journal, out: Restored): Promise<boolean> {
  const wdir = dirname(w.dir);
  try {
    const tv = Date.now();
    const m = readManifest(join(wdir, 'manifest.json'));
    await verifyManifest(wdir, m);
    journal.write({
      phase: 'restore',
      state: 'info',
      message: `${w.selector}: images match their manifest (${m.algorithm}, ${formatBytes(m.totalBytes)})`,
      durationMs: Date.now() - tv,
      data: { step: 'images-checked', selector: w.selector, algorithm: m.algorithm, bytes: m.totalBytes, hashMs: Date.now() - tv },
    });
  } catch (err) {
    return rejectImages(journal, w, err);
  }
  return restoreThroughRuntime(w, journal, out);
}

/** Bytes the tasks with these PIDs have read so far (`rchar`): while CRIU restores a tree, its tasks read their own pages. */
export function bytesReadBy(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) total += Number(/^rchar:\s*(\d+)/m.exec(readText(`/proc/${pid}/io`))?.[1] ?? 0);
  return total;
}

/**
 * A process tree: its metadata images and every file's size checked, then `criu restore
 * --leave-stopped` while its page images are hashed beside it; the tree runs again only when
 * both have passed (killed, and given up, when its pages do not match). One retry with safer
 * options when CRIU fails on images that are whole.
 */
async function restoreTree(state: RunState, w: WorkloadState, journal: Journal, out: Restored): Promise<boolean> {
  const wdir = dirname(w.dir);
  // Lazily: the daemon is started first, so that its start (a process of its own) goes on beside
  // the check below and the views' page maps; nothing is restored before both have passed.
  const early = w.restoreMode === 'lazy' ? startLazyEarly(w) : null;
  const tv = Date.now();
  let m: Manifest;
  let pageBytes: number;
  try {
    m = readManifest(join(wdir, 'manifest.json'));
    pageBytes = checkBeforeRestore(wdir, m);
  } catch (err) {
    if (early) await abandonLazy(w, early);
    return rejectImages(journal, w, err);
  }
  const metadataMs = Date.now() - tv;
  if (early) {
    const lazy = await restoreLazily(state, w, journal, out, metadataMs, m, early);
    if (lazy !== 'eager') return lazy;
  }
  const th = Date.now();
  let hashedAtMs = th;
  const pagesCheck = checkPageImages(wdir, m).then((problems) => {
    hashedAtMs = Date.now();
    return problems;
  });
  const tr = Date.now();
  const stop = trackProgress(journal, {
    phase: 'restore',
    what: `${w.selector} restore`,
    // With pre-dump rounds the page images hold older copies of some pages: CRIU reads about the memory's size.
    bytesTotal: w.preDumpDirs.length ? (w.estimatedBytes ?? null) : pageBytes,
    measure: () => bytesReadBy(w.pids),
  });
  let r = await restoreOne(w, w.criuOptions, 'restore.log').finally(stop);
  const restoredAtMs = Date.now();
  const problems = await pagesCheck;
  if (problems.length > 0) {
    // Its memory is not what was dumped: the tree never runs.
    if (r.ok) await awaitGone(killStopped([w]));
    return rejectImages(journal, w, pageImagesMismatch(wdir, problems));
  }
  journal.write({
    phase: 'restore',
    state: 'info',
    message: `${w.selector}: images match their manifest (${m.algorithm}, ${formatBytes(m.totalBytes)}; the page images hashed while CRIU read them)`,
    // What the check added to the blackout: the metadata before CRIU, and any hashing left when CRIU was done.
    durationMs: metadataMs + Math.max(0, hashedAtMs - restoredAtMs),
    data: { step: 'images-checked', selector: w.selector, algorithm: m.algorithm, bytes: m.totalBytes, hashMs: hashedAtMs - th },
  });
  if (!r.ok) {
    const safer = saferOptions(w.criuOptions);
    journal.write({
      phase: 'restore',
      state: 'info',
      message: `${w.selector}: criu restore failed; retrying once with ${safer.join(' ') || 'no options'}`,
      data: { step: 'retry', selector: w.selector, options: safer },
      error: { code: 'CRIU_RESTORE_FAILED', message: 'criu restore failed', evidence: r.evidence },
    });
    // The retry logs everything CRIU says: if it fails too, that is the evidence.
    r = await restoreOne(w, safer, 'restore-retry.log', { level: CRIU_LOG_DEBUG });
  }
  if (!r.ok) {
    journal.write({
      phase: 'restore',
      state: 'info',
      message: `${w.selector}: criu restore failed twice; images kept in ${w.dir}`,
      data: { step: 'gave-up', selector: w.selector, dir: w.dir },
      error: { code: 'CRIU_RESTORE_FAILED', message: `criu restore of ${w.selector} failed`, evidence: r.evidence },
    });
    return false;
  }
  return runAgain(state, w, journal, out, r.pid, tr, false);
}

/**
 * A tree CRIU left stopped runs again: moved out of the hook's cgroup, continued, journaled
 * `restored`, its unit (if any) handed back. Lazily: the supervisor's marker is written before
 * the tree is continued, and the daemon's status looked at right after (see lazyPages.ts).
 */
function runAgain(
  state: RunState,
  w: WorkloadState,
  journal: Journal,
  out: Restored,
  pid: number | null,
  startedAtMs: number,
  /** Restored lazily (with what the restore copied before it ran, when counted), or false. */
  lazy: false | { eagerBytes?: number; lazySteps?: { viewsMs: number; daemonMs: number; criuMs: number } },
): true {
  const rootPid = pid ?? w.rootPid;
  const pids = treePids(w.rootPid);
  const cgroup = moveOutOfOwnCgroup(state, w, pids);
  if (lazy) writeFileSync(join(w.dir, LAZY_RUNNING), '');
  thaw([w]);
  // A daemon that died before the marker was written did not stop the tree: stop it here (lazyFill.ts journals why).
  if (lazy && (lazyStatus(w.dir)?.code ?? 0) !== 0) stopTogether([w]);
  out.restored.push(w.selector);
  out.restoredPids.push(...pids);
  journal.write({
    phase: 'restore',
    state: 'info',
    message: `${w.selector}: restored ${pids.length} process(es), root pid ${rootPid}${lazy ? '; running, its pages coming back on demand' : ''}`,
    durationMs: Date.now() - startedAtMs,
    data: {
      step: 'restored',
      selector: w.selector,
      rootPid,
      pids,
      processes: pids.length,
      cgroup,
      ...(lazy ? { lazy: true, ...lazy } : {}),
    },
  });
  if (w.unit) out.handBack.push({ unit: w.unit, ok: true, pid: rootPid });
  return true;
}

const LAZY_RESTORE_TIMEOUT_MS = 3 * 60_000;

/** A lazy restore's first steps, begun before the metadata check (restoreTree). */
interface LazyEarly {
  startedAtMs: number;
  /** After a pre-dump round: the views' directories (their page maps still to write), or why they cannot be made. */
  views: { restoreDir: string; serveDir: string } | { error: string } | null;
  /** The daemon's start (null when the views could not be made: nothing to serve from). */
  daemon: Promise<{ ok: true } | { ok: false; evidence: string }> | null;
}

function startLazyEarly(w: WorkloadState): LazyEarly {
  const startedAtMs = Date.now();
  let views: LazyEarly['views'] = null;
  if (w.preDumpDirs.length > 0) {
    try {
      views = linkLazyViews(w.dir);
    } catch (err) {
      views = { error: String(err) };
    }
  }
  const daemon = views && 'error' in views ? null : startLazyPages(w, views?.serveDir);
  return { startedAtMs, views, daemon };
}

/** A daemon started early and not needed after all (the images rejected, an eager restore instead): ended before anything else uses the PIDs. */
async function abandonLazy(w: WorkloadState, early: LazyEarly): Promise<void> {
  if (!early.daemon) return;
  if ((await early.daemon).ok) {
    stopLazyPages(w.dir);
    await awaitLazyEnd(w.dir);
  }
}

/**
 * restoreMode lazy: the metadata checked (above) while the lazy-pages daemon started under its
 * supervisor (startLazyEarly), the views' page maps written, then `criu restore --lazy-pages`,
 * and the tree runs again at once: its pages come on demand and in the background. The page
 * images are hashed by the fill's supervisor (lazyFill.ts) while the tree runs, which stops it on
 * a mismatch. 'eager' when the views or the daemon could not be made (journaled): the caller
 * restores the tree eagerly instead.
 */
async function restoreLazily(
  state: RunState,
  w: WorkloadState,
  journal: Journal,
  out: Restored,
  metadataMs: number,
  m: Manifest,
  early: LazyEarly,
): Promise<boolean | 'eager'> {
  const tr = early.startedAtMs;
  const eagerInstead = async (message: string, error: { code: 'LAZY_FILL_FAILED'; message: string; evidence: string }) => {
    await abandonLazy(w, early);
    journal.write({
      phase: 'restore',
      state: 'info',
      message: `${w.selector}: ${message}; restoring it eagerly instead`,
      data: { step: 'retry', selector: w.selector, options: w.criuOptions },
      error,
    });
    return 'eager' as const;
  };
  // After a pre-dump round: the restore and the daemon each read their view of the images.
  let counts: { servedPages: number; eagerPages: number } | null = null;
  const tw = Date.now();
  if (early.views) {
    const why = 'error' in early.views ? early.views.error : null;
    try {
      if (why !== null) throw new Error(why);
      counts = writeLazyPagemaps(w.dir);
    } catch (err) {
      return eagerInstead('its pre-dumped images cannot be served lazily', {
        code: 'LAZY_FILL_FAILED',
        message: 'the lazy views of the images could not be built',
        evidence: String(err instanceof Error ? err.message : err),
      });
    }
  }
  const viewsMs = Date.now() - tw;
  const td = Date.now();
  const daemon = await early.daemon!;
  if (!daemon.ok)
    return eagerInstead('the lazy-pages daemon did not start', {
      code: 'LAZY_FILL_FAILED',
      message: 'criu lazy-pages did not start',
      evidence: daemon.evidence,
    });
  journal.write({
    phase: 'restore',
    state: 'info',
    message: `${w.selector}: metadata images match their manifest (${m.algorithm}); its page images are checked while it runs`,
    durationMs: metadataMs,
    data: { step: 'images-checked', selector: w.selector, algorithm: m.algorithm, bytes: m.totalBytes, hashMs: 0 },
  });
  // No page is copied before the tree runs, so this is short; a daemon that stops answering would
  // hang it (CRIU's restorer touches the tree's memory), so it has a deadline of its own.
  const tc = Date.now();
  const views = early.views && !('error' in early.views) ? early.views : null;
  const r = await restoreOne(w, w.criuOptions, 'restore.log', {
    extra: ['--lazy-pages', '-W', w.dir],
    timeoutMs: LAZY_RESTORE_TIMEOUT_MS,
    imagesDir: views?.restoreDir,
  });
  const lazySteps = { viewsMs, daemonMs: tc - td, criuMs: Date.now() - tc };
  if (!r.ok) {
    stopLazyPages(w.dir);
    await awaitLazyEnd(w.dir);
    journal.write({
      phase: 'restore',
      state: 'info',
      message: `${w.selector}: criu restore --lazy-pages failed; retrying once, eagerly`,
      data: { step: 'retry', selector: w.selector, options: w.criuOptions },
      error: { code: 'CRIU_RESTORE_FAILED', message: 'criu restore --lazy-pages failed', evidence: r.evidence },
    });
    return 'eager';
  }
  return runAgain(state, w, journal, out, r.pid, tr, counts ? { eagerBytes: counts.eagerPages * PAGE_SIZE, lazySteps } : { lazySteps });
}

/** What the restore did, for the hand-back and the fallback. */
export interface Restored {
  startedAtMs: number;
  restored: string[];
  failed: string[];
  /** Held units: adopt the restored pid, or start cold. */
  handBack: { unit: string; ok: boolean; pid: number | null }[];
  restoredPids: number[];
  sameBoot: boolean;
}

/** Every workload given up at once (the store is not there): their services start cold. */
export function nothingRestored(state: RunState, sameBoot: boolean): Restored {
  return {
    startedAtMs: Date.now(),
    restored: [],
    failed: state.workloads.map((w) => w.selector),
    handBack: state.workloads.flatMap((w) => (w.unit ? [{ unit: w.unit, ok: false, pid: null }] : [])),
    restoredPids: [],
    sameBoot,
  };
}

export async function restoreWorkloads(state: RunState, journal: Journal, opts: { sameBoot: boolean }): Promise<Restored> {
  const out: Restored = { startedAtMs: Date.now(), restored: [], failed: [], handBack: [], restoredPids: [], sameBoot: opts.sameBoot };
  journal.write({
    phase: 'restore',
    state: 'begin',
    message: `restore ${state.workloads.map((w) => w.selector).join(', ')}${opts.sameBoot ? ' (in place, on the old kernel)' : ''}`,
    data: { workloads: state.workloads.map((w) => w.selector), sameBoot: opts.sameBoot },
  });

  // Dentry cache: the files the images reopen are looked up once here, not under the freeze's clock.
  for (const w of state.workloads) for (const f of w.residency) statSync(f.path, { throwIfNoEntry: false });

  if (state.netLock) {
    for (const r of await loadNetworkLock(state.netLock)) {
      journal.write({
        phase: 'restore',
        state: 'info',
        message: `${r.tool} of the network lock: exit ${r.code}`,
        data: { step: 'network-lock', ...r },
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
      data: { step: 'borrowed-addresses', added: borrowed.added, errors: borrowed.errors },
    });

  // Containers not restored start cold after every restore was tried: a cold start must not
  // take the address or port of a container still to be restored.
  const coldLater: ContainerWorkload[] = [];
  const giveUp = (w: WorkloadState) => {
    out.failed.push(w.selector);
    if (w.unit) out.handBack.push({ unit: w.unit, ok: false, pid: null });
    if (isContainer(w)) coldLater.push(w);
  };
  const one = async (w: WorkloadState) => {
    const ok = isContainer(w) ? await restoreContainerChecked(w, journal, out) : await restoreTree(state, w, journal, out);
    if (!ok) giveUp(w);
  };
  // Trees that carry no TCP are restored side by side (each held stopped until its images have
  // passed, so they run again within milliseconds of each other, as they were frozen); the ones
  // whose sockets share the network lock one after another.
  const tcp = (w: WorkloadState) => w.criuOptions.includes('--tcp-established');
  const trees = state.workloads.filter((w) => !isContainer(w));
  await forEachBounded(
    trees.filter((w) => !tcp(w)),
    criuConcurrency(),
    one,
  );
  for (const w of trees.filter(tcp)) await one(w);
  // Containers side by side too, each through its runtime (which takes its own locks): three
  // containers came back in 92 s one after another on the lab. Those carrying TCP share one lane,
  // one after another (a container on the host's network shares its lock); each lane is a slot.
  const containers = state.workloads.filter(isContainer);
  const lanes = [
    async () => {
      for (const w of containers.filter(tcp)) await one(w);
    },
    ...containers.filter((w) => !tcp(w)).map((w) => () => one(w)),
  ];
  await forEachBounded(lanes, criuConcurrency(), (lane) => lane());
  for (const w of coldLater) await startContainerCold(w, journal);
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
        data: { step: 'leftover-locks', removed },
      });
  }
  return out;
}

/** The restore record that ends the phase (after any jump back was tried). */
export function endRestore(state: RunState, journal: Journal, r: Restored): void {
  const restoredAtMs = Date.now();
  const data = {
    restoredAtMs,
    blackoutMs: state.freezeAtMs !== null ? restoredAtMs - state.freezeAtMs : null,
    restored: r.restored,
    failed: r.failed,
    sameBoot: r.sameBoot,
  };
  const durationMs = restoredAtMs - r.startedAtMs;
  if (r.failed.length === 0)
    journal.write({ phase: 'restore', state: 'done', message: `restored ${r.restored.length} workload(s)`, durationMs, data });
  else
    journal.write({
      phase: 'restore',
      state: 'failed',
      message: `restored ${r.restored.length}, failed ${r.failed.join(', ')}`,
      durationMs,
      data,
      error: { code: 'CRIU_RESTORE_FAILED', message: `not restored: ${r.failed.join(', ')}` },
    });
}

/**
 * The containers, once the boot hook has restored the rest and the boot goes on (`--after-restore`):
 * each through its runtime (docker's daemon started first), then the units that waited for them
 * released. Ends with a second restore record that counts every workload, so the outcome and the
 * blackout are the whole upgrade's.
 */
export async function restoreContainersAfterBoot(state: RunState, journal: Journal): Promise<void> {
  const containers = state.workloads.filter(isContainer);
  if (containers.length === 0) return;
  const records = journal.records();
  const before = records.findLast(
    (x): x is RecordOf<'restore', 'done' | 'failed'> => x.phase === 'restore' && (x.state === 'done' || x.state === 'failed'),
  );
  // No restore record before: the hook had no process to restore (a hook that stopped early
  // does not start this). The store may still be missing: then every image check fails.
  const earlier = before?.data ?? { restored: [], failed: [], sameBoot: false };
  let r: Restored;
  try {
    r = await restoreWorkloads({ ...state, workloads: containers, netLock: null }, journal, { sameBoot: earlier.sameBoot });
  } finally {
    // Whatever happened, podman-restart.service must not wait for a verdict that never comes.
    await releaseContainerHolds(containerHoldUnits(state));
  }
  endRestore(state, journal, {
    ...r,
    restored: [...earlier.restored, ...r.restored],
    failed: [...earlier.failed, ...r.failed],
  });
}
