// Why: phase "pre-dump": `criu pre-dump --track-mem` rounds while the workloads run, until the
// dirty set stops shrinking (criuLog.shouldPreDumpAgain), so the dump under the freeze writes
// only what changed since. A failed round is not fatal: the dump then writes everything itself
// (longer freeze, same result). A tree restored lazily gets one round: its lazy-pages daemon serves
// pages from that round's files (lazyViews.ts), and with more rounds a page may sit in any of them.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plan } from '../../shared/plan/plan';
import { PRE_DUMP_MIN_BYTES, preDumpPays } from '../../shared/plan/preDumpPolicy';
import { formatBytes } from '../../shared/format';
import { criu } from '../criu/run';
import { criuEvidence, pagesBytes, shouldPreDumpAgain } from './criuLog';
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

export async function preDump(state: RunState, plan: Plan, journal: Journal): Promise<void> {
  if (!plan.options.preDump) {
    journal.write({ phase: 'pre-dump', state: 'skipped', message: 'plan.options.preDump is off' });
    return;
  }
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
      const r = await criu('pre-dump', w, dir, ['--track-mem', ...prev]).finally(stop);
      if (!r.ok) {
        failed = criuEvidence(r.log);
        rmSync(dir, { recursive: true, force: true }); // a partial round (a full store, say) is of no use
        break;
      }
      w.preDumpDirs.push(dir);
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
      journal.write({
        phase: 'pre-dump',
        state: 'done',
        message: `${rounds.length} pre-dump round(s) of ${w.selector}`,
        durationMs: Date.now() - t0,
        data: { selector: w.selector, roundBytes: rounds },
      });
    }
  }
}
