// Why: the upgrade rehearsed without downtime, so the estimate rests on this host's and these
// workloads' own figures. Preflight, calibration, then per workload two `criu pre-dump` rounds
// (the first copies its memory while it runs: the real bytes and the real copy time; the second,
// a second later, writes only what changed: the dirty rate), and, only when the admin accepted
// a short freeze, a trial `criu dump --leave-running` (the real freeze time). Images go to a
// root-only scratch directory that is removed before the answer; nothing is staged or kexeced,
// and the workloads keep running with their PIDs and state.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DryRunMeasures } from '../../shared/domain/dryRun';
import type { WorkloadTrial } from '../../shared/estimate/calibration';
import type { Plan } from '../../shared/plan/plan';
import { resolveSelection } from '../../shared/plan/resolveSelection';
import { SeamlessError } from '../../shared/errors';
import { calibrate } from '../calibrate/calibrate';
import { criu } from '../criu/run';
import { sleep } from '../exec/sh';
import { readHostFacts } from '../facts/hostFacts';
import { listInventory } from '../inventory/inventory';
import { runPreflight } from '../preflight/runPreflight';
import { criuEvidence } from '../upgrade/criuLog';
import { pageImageBytes } from '../upgrade/progress';

const SCRATCH_ROOT = '/var/lib/seamless/dry-run';
/** Between the two pre-dump rounds: long enough for a dirty rate, short enough to wait for. */
const DIRTY_WINDOW_MS = 1000;

export interface DryRunOptions {
  trialDump: boolean;
  signal?: AbortSignal;
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await f();
  return { value, ms: Date.now() - t0 };
}

export async function dryRun(plan: Plan, opts: DryRunOptions): Promise<DryRunMeasures> {
  const t0 = Date.now();
  const notes: string[] = [];
  const removed: string[] = [];
  const preflight = await runPreflight(plan);
  const facts = await readHostFacts();
  const calibration = await calibrate(plan.store, facts, removed);
  const trials: WorkloadTrial[] = [];
  if (!preflight.canStart) {
    notes.push('Preflight blocks this plan: the workloads were not pre-dumped (fix the blocking findings, then dry-run again).');
    return { preflight, calibration, trials, removed, notes, durationMs: Date.now() - t0 };
  }
  const inventory = listInventory({ details: 'none' });
  const { found } = resolveSelection(plan.workloads, inventory);
  const detailed = listInventory({ details: 'none', detailPids: found.flatMap((f) => f.workload.pids) });
  const procs = new Map(detailed.processes.map((p) => [p.pid, p]));
  mkdirSync(SCRATCH_ROOT, { recursive: true, mode: 0o700 });
  const scratch = mkdtempSync(join(SCRATCH_ROOT, 'run-'));
  try {
    for (const [i, { selector, workload }] of found.entries()) {
      if (opts.signal?.aborted) throw new SeamlessError('REQUEST_CANCELLED', 'the dry run was cancelled');
      const target = { rootPid: workload.rootPid, criuOptions: preflight.criuOptions[selector] ?? [] };
      const dir = (name: string) => join(scratch, String(i), name);
      const first = await timed(() => criu('pre-dump', target, dir('r1'), ['--track-mem']));
      if (!first.value.ok) {
        notes.push(`${selector}: criu pre-dump failed; not measured. ${criuEvidence(first.value.log, 8)}`);
        continue;
      }
      const preDumpBytes = pageImageBytes(dir('r1'));
      await sleep(DIRTY_WINDOW_MS);
      const second = await timed(() => criu('pre-dump', target, dir('r2'), ['--track-mem', '--prev-images-dir', '../r1']));
      const window = (first.ms + DIRTY_WINDOW_MS) / 1000;
      const dirtyBytesPerS = second.value.ok ? pageImageBytes(dir('r2')) / window : null;
      if (!second.value.ok)
        notes.push(`${selector}: the second pre-dump round failed; no dirty rate. ${criuEvidence(second.value.log, 8)}`);
      let trialDump: WorkloadTrial['trialDump'] = null;
      if (opts.trialDump) {
        // Like the real freeze: after the pre-dump rounds when the plan pre-dumps, a full dump when it does not.
        const prev = plan.options.preDump && second.value.ok ? ['--track-mem', '--prev-images-dir', '../r2'] : [];
        const dump = await timed(() => criu('dump', target, dir('r3'), ['--leave-running', ...prev]));
        if (dump.value.ok) trialDump = { freezeMs: dump.ms, bytes: pageImageBytes(dir('r3')) };
        else notes.push(`${selector}: the trial dump failed (the workload kept running). ${criuEvidence(dump.value.log, 8)}`);
      }
      const members = workload.pids.map((p) => procs.get(p));
      trials.push({
        selector,
        processes: workload.pids.length,
        mappings: members.reduce((s, p) => s + (p?.mappings ?? 0), 0),
        fds: members.reduce((s, p) => s + (p?.openFds ?? 0), 0),
        preDumpBytes,
        preDumpMs: first.ms,
        dirtyBytesPerS,
        trialDump,
      });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    removed.push(scratch);
  }
  return { preflight, calibration, trials, removed, notes, durationMs: Date.now() - t0 };
}
