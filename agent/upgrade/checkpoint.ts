// Why: phases "pre-sync" and "checkpoint": sync while the workloads still run (so the freeze
// waits for little), note the page cache each workload leans on, keep systemd from restarting a
// dumped service on this kernel, then the freeze: `criu dump` of each tree, its manifest (sizes,
// digests) built beside the next dump, and CRIU's network lock saved beside the images when TCP
// is carried.
import { existsSync, statfsSync } from 'node:fs';
import { formatBytes } from '../../shared/format';
import { dirname, join } from 'node:path';
import { SeamlessError } from '../../shared/errors';
import { must, sh } from '../exec/sh';
import { residencyOf } from '../footprint/fileResidency';
import { criu } from '../criu/run';
import { saveNetworkLock } from '../criu/networkLockCommands';
import { zeroUnscaledWindows } from '../criu/tcpStreamImage';
import { criuEvidence, pagesBytes } from './criuLog';
import type { Journal } from './journal';
import {
  buildManifestAsync,
  hashWhileWritten,
  manifestSkip,
  type DirHashing,
  mergeManifests,
  prefixed,
  writeManifest,
  type Manifest,
} from './manifest';
import { chooseDigest } from './imageDigest';
import { listDir } from './preDump';
import { dumpOrder, finalState, killStopped, stopTogether, thaw, thawable } from './dumpedTasks';
import {
  checkpointContainer,
  holdRestartPolicy,
  isContainer,
  releaseRestartPolicy,
  type ContainerWorkload,
} from '../containers/runtimeCheckpoint';
import { pageImageBytes, trackProgress } from './progress';
import { criuConcurrency, forEachBounded } from '../exec/bounded';
import { parseMeminfo } from '../facts/meminfo';
import { readText } from '../fs/readOptional';
import { saveState, statePaths, writeDurable, type RunState, type WorkloadState } from './state';

export const noRestartPath = (unit: string) => `/run/systemd/system/${unit}.d/50-seamless-no-restart.conf`;
const NO_RESTART = '# Seamless: the upgrade dumps this service; do not restart it on this kernel.\n[Service]\nRestart=no\n';

/** The store's free and total space, for an error message. */
function storeSpace(dir: string): string {
  try {
    const st = statfsSync(dir);
    return `${formatBytes(st.bavail * st.bsize)} free of ${formatBytes(st.blocks * st.bsize)}`;
  } catch {
    return 'its size unknown';
  }
}

/**
 * How many dumps go side by side: one per CPU, unless the store's free space may not hold all of
 * them (a workload grew, something else filled the store): then one at a time, so that a full
 * store fails the one dump that did not fit, not every dump under way.
 */
function lanesFor(storeDir: string, ws: readonly WorkloadState[]): number {
  const need = ws.reduce((n, w) => n + (w.estimatedBytes ?? 0), 0);
  try {
    const st = statfsSync(storeDir);
    return need <= st.bavail * st.bsize ? criuConcurrency() : 1;
  } catch {
    return 1;
  }
}

/**
 * A container's final dump, through its runtime (docker's restart policy held first, given back
 * if the checkpoint fails and the container runs on). The same answer as `criu()`'s.
 */
async function dumpContainer(w: ContainerWorkload, journal: Journal): Promise<{ ok: boolean; log: string }> {
  const held = await holdRestartPolicy(w);
  if (held && held.code !== 0) return { ok: false, log: `docker update --restart=no ${w.container.name} failed: ${held.stderr}` };
  if (held)
    journal.write({
      phase: 'checkpoint',
      state: 'info',
      message: `${w.selector}: restart policy ${w.container.restartPolicy} set to no until the restore (dockerd would restart it cold)`,
      data: { step: 'restart-policy-held', selector: w.selector, policy: w.container.restartPolicy },
    });
  const r = await checkpointContainer(w);
  if (!r.ok && held) await releaseRestartPolicy(w);
  return { ok: r.ok, log: r.evidence };
}

export async function preSync(journal: Journal): Promise<void> {
  await journal.phase(
    'pre-sync',
    'sync while the workloads run',
    async () => {
      await sh('sync', [], { timeoutMs: 10 * 60_000 });
    },
    (_, durationMs) => ({ phase: 'pre-sync', state: 'done', message: 'synced', durationMs, data: {} }),
  );
}

/**
 * Before the pre-dump rounds (not between the last round and the freeze, where every second is a
 * second of pages dirtied that the freeze dumps: the reload took the lab 3.3 s): CRIU kills what it
 * dumped, and systemd must not restart a held service cold on this kernel in the seconds before the
 * jump. A runtime drop-in (in /run: gone with the kexec); the abort removes it.
 */
export async function holdRestarts(state: RunState): Promise<void> {
  for (const unit of state.heldUnits) writeDurable(noRestartPath(unit), NO_RESTART);
  if (state.heldUnits.length) await must('UPGRADE_START_FAILED', 'daemon-reload', 'systemctl', ['daemon-reload']);
}

/**
 * The last steps before the freeze, none of which the workloads notice: the page cache each leans
 * on, and its pre-dump rounds' manifests (hashed while they were written, preDump.ts) as one.
 */
export async function beforeFreeze(state: RunState, roundManifests: ReadonlyMap<string, Manifest[]>): Promise<Map<string, Manifest>> {
  for (const w of state.workloads) {
    // The page cache the workload leans on, just before it is frozen.
    w.residency = (await residencyOf(w.pids))
      .filter((f) => (f.residentBytes ?? 0) > 0)
      .map((f) => ({ path: f.path, residentBytes: f.residentBytes ?? 0, sizeBytes: f.sizeBytes ?? 0 }));
  }
  const { algorithm } = chooseDigest();
  const preManifests = new Map<string, Manifest>();
  for (const w of state.workloads) preManifests.set(w.selector, mergeManifests(algorithm, roundManifests.get(w.selector) ?? []));
  return preManifests;
}

/**
 * The carried connections whose peer negotiated no window scaling, rewritten before anything
 * reads the images (the manifest, a restore here or on the new kernel): see tcpStreamImage.ts.
 */
function tcpWithoutWindowScaling(w: WorkloadState, journal: Journal): void {
  let fixed: string[];
  try {
    fixed = zeroUnscaledWindows(w.dir);
  } catch (err) {
    throw new SeamlessError('CRIU_DUMP_FAILED', `the dump of ${w.selector} wrote a TCP connection's image that Seamless cannot read`, {
      evidence: err instanceof Error ? err.message : String(err),
      details: { selector: w.selector, dir: w.dir },
    });
  }
  if (fixed.length === 0) return;
  journal.write({
    phase: 'checkpoint',
    state: 'info',
    message: `${w.selector}: ${fixed.length} carried TCP connection(s) whose peer does not scale its window; their images now say so, or the restored socket would advertise a window of a few bytes`,
    data: { step: 'tcp-window-scale', selector: w.selector, images: fixed },
  });
}

/**
 * The freeze. A dumped workload is left stopped (`at.stopped`; see dumpedTasks.ts) until every
 * dump has succeeded, then all are killed together (`at.dumped`); one that carries TCP is killed
 * by its dump (`at.dumped` at once). What the lists hold when this throws is what the abort undoes.
 */
export async function checkpoint(
  state: RunState,
  journal: Journal,
  preManifests: Map<string, Manifest>,
  at: { dumped: WorkloadState[]; stopped: WorkloadState[]; killed: number[] },
  onDumpFailure: 'abort' | 'skip' = 'abort',
): Promise<void> {
  const timing = { criuMs: 0, manifestMs: 0, commitMs: 0, syncMs: 0 };
  const dumpMs = new Map<string, number>();
  // Each dump's manifest is built beside the dumps that follow (see writeDumpManifest); all have
  // been written, or one has failed, before the commit.
  const manifests: Promise<void>[] = [];
  const writeDumpManifest = async (w: WorkloadState, hashing: Promise<Manifest>): Promise<void> => {
    const tm = Date.now();
    // Only the final dump is hashed under the freeze, once; the pre-dump rounds were hashed
    // while the workload still ran (they do not change after their round).
    const dumpPart = prefixed('dump', await hashing);
    writeManifest(
      join(dirname(w.dir), 'manifest.json'),
      mergeManifests(dumpPart.algorithm, [
        preManifests.get(w.selector) ?? { algorithm: dumpPart.algorithm, files: [], totalBytes: 0 },
        dumpPart,
      ]),
      // durable with the images at the phase's syncfs below: no fsync per workload under the freeze
      { sync: false },
    );
    // What the manifest added to the freeze after the dump (a tree's page images were hashed while CRIU wrote them).
    timing.manifestMs += Date.now() - tm;
  };
  // What the pre-sync left for the freeze to wait on (the report shows it).
  const mem = parseMeminfo(readText('/proc/meminfo'));
  const dirtyBytesAtFreeze = (mem.get('Dirty') ?? 0) + (mem.get('Writeback') ?? 0);
  state.freezeAtMs = Date.now();
  await journal.phase(
    'checkpoint',
    `criu dump ${state.workloads.map((w) => w.selector).join(', ')}`,
    async () => {
      /** A workload not carried after all (it exited, or the plan skips a failed dump). */
      const drop = (w: WorkloadState) => {
        state.workloads = state.workloads.filter((x) => x !== w);
        if (w.unit) state.heldUnits = state.heldUnits.filter((u) => u !== w.unit);
        const i = at.stopped.indexOf(w);
        if (i >= 0) at.stopped.splice(i, 1);
      };
      const dumpOne = async (w: WorkloadState): Promise<void> => {
        // A tree's page images are hashed while CRIU writes them, its other images once CRIU is
        // done and the TCP images rewritten; a container's (its runtime writes them elsewhere
        // first) after its dump.
        const hashing = isContainer(w) ? null : hashWhileWritten(w.dir, manifestSkip, chooseDigest().algorithm);
        try {
          await dumpHashed(w, hashing);
        } finally {
          hashing?.done(false); // no effect once done; otherwise ends the hashing of a dump that failed
        }
      };
      const dumpHashed = async (w: WorkloadState, hashing: DirHashing | null): Promise<void> => {
        const tc = Date.now();
        const prev = w.preDumpDirs.length ? ['--track-mem', '--prev-images-dir', `../pre-${w.preDumpDirs.length}`] : [];
        const stop = trackProgress(journal, {
          phase: 'checkpoint',
          what: `${w.selector} dump`,
          bytesTotal: w.preDumpDirs.length ? null : (w.estimatedBytes ?? null),
          measure: () => pageImageBytes(w.dir),
        });
        const r = await (isContainer(w) ? dumpContainer(w, journal) : criu('dump', w, w.dir, [...prev, ...finalState(w)])).finally(stop);
        if (!r.ok && !existsSync(`/proc/${w.rootPid}`)) {
          // It exited by itself (before or during its dump): nothing to carry, nothing to resume.
          journal.write({
            phase: 'checkpoint',
            state: 'info',
            message: `${w.selector} (pid ${w.rootPid}) exited by itself before its dump: nothing to carry`,
            data: { step: 'gone', selector: w.selector, rootPid: w.rootPid },
          });
          drop(w);
          return;
        }
        if (!r.ok && /No space left on device|ENOSPC/.test(r.log)) {
          // Not this workload's fault, and the next would fail the same way: stop, whatever the plan says for failures.
          throw new SeamlessError(
            'STORE_TOO_SMALL',
            `the image store filled up during the dump of ${w.selector} (${storeSpace(state.storeDir)}): the workloads hold more than when the plan was checked${w.estimatedBytes ? ` (estimated ${formatBytes(w.estimatedBytes)} for this one)` : ''}. Free space on the store or make it larger, check the plan again, then start`,
            { evidence: criuEvidence(r.log), details: { selector: w.selector, log: join(w.dir, 'dump.log') } },
          );
        }
        if (!r.ok && onDumpFailure === 'skip') {
          // CRIU resumed it; the plan accepted that it does not survive the jump.
          journal.write({
            phase: 'checkpoint',
            state: 'info',
            message: `criu dump of ${w.selector} (pid ${w.rootPid}) failed; the plan says skip: it runs on until the jump and is not carried${w.unit ? ` (${w.unit} starts cold on the new kernel)` : ''}`,
            data: { step: 'skipped', selector: w.selector, rootPid: w.rootPid, service: w.unit !== null },
            error: { code: 'CRIU_DUMP_FAILED', message: `criu dump of ${w.selector} failed`, evidence: criuEvidence(r.log) },
          });
          drop(w);
          // CRIU resumed it as it found it: stopped by the freeze.
          thaw([w]);
          return;
        }
        if (!r.ok) {
          throw new SeamlessError('CRIU_DUMP_FAILED', `criu dump of ${w.selector} (pid ${w.rootPid}) failed; CRIU resumed its processes`, {
            evidence: criuEvidence(r.log),
            details: { selector: w.selector, log: join(w.dir, 'dump.log') },
          });
        }
        if (!at.stopped.includes(w)) (thawable(w) ? at.stopped : at.dumped).push(w);
        if (w.criuOptions.includes('--tcp-established')) tcpWithoutWindowScaling(w, journal);
        dumpMs.set(w.selector, Date.now() - tc);
        timing.criuMs += Date.now() - tc;
        hashing?.done(true);
        const m = writeDumpManifest(w, hashing?.manifest ?? buildManifestAsync(w.dir, manifestSkip, chooseDigest().algorithm));
        m.catch(() => undefined); // awaited (and its failure thrown) before the commit
        manifests.push(m);
        w.bytesDumped = pagesBytes(listDir(w.dir));
        w.preDumpDirs.forEach((d) => (w.bytesDumped += pagesBytes(listDir(d))));
      };
      // Thawable workloads are dumped side by side (each left stopped when its dump ends, so
      // the freeze is about the slowest of them, not their sum); those carrying TCP or run by a
      // container runtime after them, one by one (see dumpedTasks.ts).
      const order = dumpOrder(state.workloads);
      const sideBySide = order.filter(thawable);
      if (sideBySide.length > 1) {
        // Frozen together; from now on the abort continues them (at.stopped), dumped or not.
        const tasks = stopTogether(sideBySide);
        at.stopped.push(...sideBySide);
        journal.write({
          phase: 'checkpoint',
          state: 'info',
          message: `${sideBySide.length} workloads (${tasks} tasks) stopped together before their dumps`,
          data: { step: 'frozen-together', selectors: sideBySide.map((w) => w.selector), tasks },
        });
      }
      try {
        await forEachBounded(sideBySide, lanesFor(state.storeDir, sideBySide), dumpOne);
        for (const w of order.filter((x) => !thawable(x))) await dumpOne(w);
      } finally {
        // In the plan's order, whichever dump ended first (the journal and the thaw read the same either way).
        at.stopped.sort((a, b) => order.indexOf(a) - order.indexOf(b));
        // No manifest is still being written when the abort (if any) undoes the dumps.
        await Promise.allSettled(manifests);
      }
      await Promise.all(manifests);
      if (state.workloads.length === 0)
        throw new SeamlessError('WORKLOAD_NOT_FOUND', 'every selected workload exited by itself before its dump: nothing to carry');
      // Every dump succeeded: the stopped workloads go the way CRIU's default would have sent them.
      const tk = Date.now();
      at.killed.push(...killStopped(at.stopped));
      at.dumped.push(...at.stopped.splice(0));
      timing.commitMs = Date.now() - tk;
      state.dumpedAtMs = Date.now();
      if (state.workloads.some((w) => w.criuOptions.includes('--tcp-established') && !w.container)) {
        // CRIU's network lock (iptables DROP rules) must still be there when restore runs. (A
        // container's lock is inside its own network namespace, which CRIU restores with it.)
        state.netLock = await saveNetworkLock(join(state.storeDir, 'netlock'));
      }
      saveState(statePaths(state), state);
      // The images durable now, not at the jump's sync: a reset in between (or a new kernel that
      // does not come up) is then followed by a restore from them on the next ordinary boot.
      const ts = Date.now();
      await sh('sync', ['-f', state.storeDir], { timeoutMs: 10 * 60_000 });
      timing.syncMs = Date.now() - ts;
    },
    (_, durationMs) => ({
      phase: 'checkpoint',
      state: 'done',
      message: `criu dump ${state.workloads.map((w) => w.selector).join(', ')}`,
      durationMs,
      data: {
        freezeAtMs: state.freezeAtMs ?? 0,
        dirtyBytesAtFreeze,
        bytesDumped: state.workloads.reduce((s, w) => s + w.bytesDumped, 0),
        ...timing,
        workloads: state.workloads.map((w) => ({
          selector: w.selector,
          rootPid: w.rootPid,
          processes: w.pids.length,
          bytesDumped: w.bytesDumped,
          dumpMs: dumpMs.get(w.selector),
        })),
        netLock: state.netLock !== null,
      },
    }),
  );
}
