// Why: phase "pre-dump": `criu pre-dump --track-mem` rounds while the workloads run, until the
// dirty set stops shrinking (criuLog.shouldPreDumpAgain), so the dump under the freeze writes
// only what changed since. A failed round is not fatal: the dump then writes everything itself
// (longer freeze, same result). A tree restored lazily gets one round: its lazy-pages daemon serves
// pages from that round's files (lazyViews.ts), and with more rounds a page may sit in any of them.
// Each round's manifest is hashed while CRIU writes it (manifest.ts buildManifestWhileWritten): the
// pages the tree dirties between its last round and the freeze are what the freeze dumps.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Plan } from '../../shared/plan/plan';
import { PRE_DUMP_MIN_BYTES, preDumpPays } from '../../shared/plan/preDumpPolicy';
import { formatBytes } from '../../shared/format';
import { criu } from '../criu/run';
import { criuEvidence, pagesBytes, shouldPreDumpAgain } from './criuLog';
import { chooseDigest } from './imageDigest';
import { buildManifestWhileWritten, manifestSkip, prefixed, type Manifest } from './manifest';
import type { Journal } from './journal';
import { pageImageBytes, trackProgress } from './progress';
import type { RunState } from './state';

const MAX_PRE_DUMPS = 3;
/** Rounds for a tree restored lazily (see above). */
const MAX_LAZY_PRE_DUMPS = 1;

export function listDir(dir: string): { name: string; size: number }[] {
  try {
    return readdirSync(dir).map((name) => ({ name, size: statSync(join(dir, name)).size }));
  } catch {
    return [];
  }
}

/** The rounds of each workload (by selector) and their manifests, in order. */
export async function preDump(state: RunState, plan: Plan, journal: Journal): Promise<Map<string, Manifest[]>> {
  const manifests = new Map<string, Manifest[]>();
  if (!plan.options.preDump) {
    journal.write({ phase: 'pre-dump', state: 'skipped', message: 'plan.options.preDump is off' });
    return manifests;
  }
  // Measured (about 1 s under emulation) before the first round, not after it.
  const { algorithm } = chooseDigest();
  // A container's runtime takes its checkpoint in one go here (podman's --pre-checkpoint rounds
  // are not used yet): the whole dump is under the freeze.
  for (const w of state.workloads.filter((x) => !x.container)) {
    if (!preDumpPays(w.estimatedBytes)) {
      journal.write({
        phase: 'pre-dump',
        state: 'skipped',
        message: `${w.selector} holds about ${formatBytes(w.estimatedBytes ?? 0)}: dumped whole under the freeze (pre-dump rounds pay from ${formatBytes(PRE_DUMP_MIN_BYTES)})`,
      });
      continue;
    }
    const t0 = Date.now();
    journal.write({
      phase: 'pre-dump',
      state: 'begin',
      message: `pre-dump ${w.selector} (pid ${w.rootPid})`,
      data: { selector: w.selector },
    });
    const rounds: number[] = [];
    const roundManifests: Manifest[] = [];
    /** Per round: how long its hash went on after CRIU was done. */
    const hashedAfterMs: number[] = [];
    let failed: string | null = null;
    while (shouldPreDumpAgain(rounds, w.restoreMode === 'lazy' ? MAX_LAZY_PRE_DUMPS : MAX_PRE_DUMPS)) {
      const n = rounds.length + 1;
      const dir = join(dirname(w.dir), `pre-${n}`);
      const prev = w.preDumpDirs.length ? ['--prev-images-dir', `../pre-${n - 1}`] : [];
      const stop = trackProgress(journal, {
        phase: 'pre-dump',
        what: `${w.selector} round ${n}`,
        bytesTotal: n === 1 ? (w.estimatedBytes ?? null) : null,
        measure: () => pageImageBytes(dir),
      });
      const writing = criu('pre-dump', w, dir, ['--track-mem', ...prev]).finally(stop);
      const hashing = buildManifestWhileWritten(dir, manifestSkip, algorithm, writing);
      hashing.catch(() => undefined); // awaited below, once the round is known good
      const r = await writing;
      const roundEndMs = Date.now();
      let manifest: Manifest | null = null;
      if (r.ok) {
        try {
          manifest = prefixed(basename(dir), await hashing);
        } catch (err) {
          failed = `its manifest could not be built: ${err instanceof Error ? err.message : String(err)}`;
        }
      } else failed = criuEvidence(r.log);
      if (manifest === null) {
        await hashing.catch(() => undefined); // no reader left in a directory about to go
        rmSync(dir, { recursive: true, force: true }); // a partial round (a full store, say) is of no use
        break;
      }
      hashedAfterMs.push(Date.now() - roundEndMs);
      w.preDumpDirs.push(dir);
      roundManifests.push(manifest);
      rounds.push(pagesBytes(listDir(dir)));
    }
    if (failed !== null) {
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
      manifests.set(w.selector, roundManifests);
      journal.write({
        phase: 'pre-dump',
        state: 'done',
        message: `${rounds.length} pre-dump round(s) of ${w.selector}`,
        durationMs: Date.now() - t0,
        data: { selector: w.selector, roundBytes: rounds, hashedAfterMs },
      });
    }
  }
  return manifests;
}
