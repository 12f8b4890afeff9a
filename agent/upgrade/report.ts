// Why: every upgrade that started ends with exactly one report record, and its outcome is
// decided here, once, from the journal's own records (every reader shows that word; a cold
// start is never painted as success). The report file beside it (report.json) is the same
// decision with the workloads' figures.
import type { JournalRecord, Outcome, RecordOf, UpgradePhase } from '../../shared/domain/journal';
import type { UpgradeReport } from '../../shared/domain/upgrade';
import type { Journal } from './journal';
import { planPath, reportPath } from './paths';
import { writeDurable, type RunState } from './state';
import { parsePlan, PLAN_OPTION_DEFAULTS, type PlanOptions } from '../../shared/plan/plan';
import { readFileSync } from 'node:fs';
import { IMAGES_DONE, removeImages } from './images';
import { formatBytes } from '../../shared/format';
import { join } from 'node:path';

const last = <R extends JournalRecord>(records: readonly JournalRecord[], is: (r: JournalRecord) => r is R): R | undefined => {
  for (let i = records.length - 1; i >= 0; i--) if (is(records[i]!)) return records[i] as R;
  return undefined;
};
const isRestoreEnd = (r: JournalRecord): r is RecordOf<'restore', 'done' | 'failed'> =>
  r.phase === 'restore' && (r.state === 'done' || r.state === 'failed');

/**
 * The outcome of an upgrade from its records. Before the jump: an abort (or a start that never
 * ran) is `aborted`. After it: a service not restored by the last restore, or a container its runtime
 * started cold instead → `cold-started` (any other workload not restored → `lost`); all
 * restored after a jump back, or on an ordinary boot after a reset → `rolled-back`; systemd refused a service → `restored-unmanaged`;
 * else `restored`. No readable state on the new boot, or no restore that ended → `failed`.
 */
export function outcomeOf(records: readonly JournalRecord[]): Outcome {
  if (
    records.some((r) => (r.phase === 'fallback' && r.state === 'done' && r.data.aborted) || (r.phase === 'start' && r.state === 'failed'))
  ) {
    // An abort keeps everything running, unless a workload already dumped could not be restored in place.
    const inPlace = last(records, isRestoreEnd);
    const cold = coldStartedOf(records);
    if (inPlace && inPlace.data.failed.length > 0)
      return inPlace.data.failed.some((sel) => !isService(sel) && !cold.includes(sel)) ? 'lost' : 'cold-started';
    return 'aborted';
  }
  if (records.some((r) => r.phase === 'boot' && r.state === 'failed')) return 'failed';
  // A lazily restored tree whose fill could not finish is stopped, its memory incomplete.
  if (records.some((r) => r.phase === 'lazy-fill' && r.state === 'failed')) return 'failed';
  const end = last(records, isRestoreEnd);
  if (!end) return 'failed';
  // A service that was not restored (or not dumped, when the plan said skip) starts cold; any
  // other workload is simply gone.
  const skipped = skippedOf(records);
  const cold = coldStartedOf(records);
  if (end.data.failed.some((sel) => !isService(sel) && !cold.includes(sel)) || skipped.some((s) => !s.service)) return 'lost';
  if (end.data.failed.length > 0 || skipped.length > 0) return 'cold-started';
  if (records.some((r) => r.phase === 'kexec' && r.state === 'begin' && r.data.back)) return 'rolled-back';
  // An ordinary boot (a reset, or a new kernel that did not come up) restored everything where it was.
  if (last(records, (r): r is RecordOf<'boot', 'done'> => r.phase === 'boot' && r.state === 'done')?.data.interrupted) return 'rolled-back';
  const release = last(
    records,
    (r): r is RecordOf<'release', 'done' | 'failed'> => r.phase === 'release' && (r.state === 'done' || r.state === 'failed'),
  );
  if (release && release.state === 'failed' && release.data.unmanaged.length > 0) return 'restored-unmanaged';
  return 'restored';
}

/** Only a service has something (systemd) to start it cold after a failed restore. */
const isService = (selector: string) => selector.startsWith('unit:');

/** Containers whose restore failed and that their runtime started cold (by their restart policy). */
export const coldStartedOf = (records: readonly JournalRecord[]): string[] =>
  records.flatMap((r) =>
    r.phase === 'restore' && r.state === 'info' && r.data.step === 'cold-started' && r.data.started ? [r.data.selector] : [],
  );

/** Selected workloads that exited by themselves before their dump (journaled as gone). */
export const goneOf = (records: readonly JournalRecord[]): string[] =>
  records.flatMap((r) =>
    (r.phase === 'preflight' || r.phase === 'checkpoint') && r.state === 'info' && r.data.step === 'gone' ? [r.data.selector] : [],
  );

/** Workloads whose dump failed and that the plan said to leave behind. */
export const skippedOf = (records: readonly JournalRecord[]): { selector: string; service: boolean }[] =>
  records.flatMap((r) =>
    r.phase === 'checkpoint' && r.state === 'info' && r.data.step === 'skipped'
      ? [{ selector: r.data.selector, service: r.data.service }]
      : [],
  );

/** Every phase's measured duration, in journal order. */
export function phaseDurations(records: readonly JournalRecord[]): { phase: UpgradePhase; durationMs: number; ok: boolean }[] {
  return records.flatMap((r) =>
    r.phase !== 'unrecognized' && (r.state === 'done' || r.state === 'failed') && 'durationMs' in r && r.durationMs !== undefined
      ? [{ phase: r.phase, durationMs: r.durationMs, ok: r.state === 'done' }]
      : [],
  );
}

export const blackoutOf = (records: readonly JournalRecord[]): number | null => last(records, isRestoreEnd)?.data.blackoutMs ?? null;

export function buildReport(state: RunState, records: readonly JournalRecord[]): UpgradeReport {
  const restoredInfo = records.filter((r): r is RecordOf<'restore', 'info'> => r.phase === 'restore' && r.state === 'info');
  const end = last(records, isRestoreEnd);
  const adopted = new Set(
    last(records, (r): r is RecordOf<'release', 'done' | 'failed'> => r.phase === 'release' && r.state !== 'info')?.data.adopted ?? [],
  );
  const failed = end?.data.failed ?? [];
  const cold = coldStartedOf(records);
  // After a jump back there are two boots; the last one is where the workloads are now.
  const boot = last(records, (r): r is RecordOf<'boot', 'done'> => r.phase === 'boot' && r.state === 'done');
  return {
    id: state.id,
    outcome: outcomeOf(records),
    kernelBefore: state.kernelBefore,
    kernelAfter: boot?.data.kernelAfter ?? null,
    phases: phaseDurations(records),
    blackoutMs: blackoutOf(records),
    bytesDumped: state.workloads.reduce((s, w) => s + w.bytesDumped, 0),
    workloads: state.workloads.map((w) => {
      const info = [...restoredInfo].reverse().find((r) => r.data.step === 'restored' && r.data.selector === w.selector);
      return {
        selector: w.selector,
        rootPid: w.rootPid,
        processes: info?.data.step === 'restored' ? info.data.processes : 0,
        bytesDumped: w.bytesDumped,
        restored: !failed.includes(w.selector) && info !== undefined,
        handedBackTo: w.unit && adopted.has(w.unit) ? w.unit : null,
        fate:
          !failed.includes(w.selector) && info !== undefined ? 'restored' : w.unit || cold.includes(w.selector) ? 'cold-started' : 'lost',
      };
    }),
    gone: goneOf(records),
    skipped: skippedOf(records).map((s) => s.selector),
  };
}

/**
 * The end of the upgrade: report.json (when the state is known) and the one report record. A
 * second call writes nothing: the first decided.
 */
export function finish(journal: Journal, state: RunState | null, message?: (o: Outcome) => string): Outcome {
  const records = journal.records();
  const done = records.find((r): r is RecordOf<'report', 'done'> => r.phase === 'report' && r.state === 'done');
  if (done) return done.data.outcome;
  const outcome = outcomeOf(records);
  let file: string | null = null;
  if (state && outcome !== 'aborted') {
    const text = `${JSON.stringify(buildReport(state, records), null, 2)}\n`;
    writeDurable((file = reportPath(state.id)), text);
    try {
      writeDurable(join(state.storeDir, 'report.json'), text);
    } catch {
      // store gone: the state directory copy is the report
    }
  }
  const images = state ? imagesAfter(state, outcome, journal) : '';
  journal.write({
    phase: 'report',
    state: 'done',
    message: (message ? message(outcome) : file ? `report written (${outcome})` : `upgrade ${outcome}`) + images,
    data: { outcome, report: file, blackoutMs: blackoutOf(records), phases: phaseDurations(records) },
  });
  return outcome;
}

/** The plan's options as the upgrade was started with them; the defaults when plan.json is gone or unreadable. */
export function planOptionsOf(id: string): PlanOptions {
  try {
    const plan = parsePlan(readFileSync(planPath(id), 'utf8'));
    if (plan.ok) return plan.plan.options;
  } catch {
    // no readable plan
  }
  return PLAN_OPTION_DEFAULTS;
}

/** Removes the images when nobody needs them any more (see images.ts); what became of them, for the report's message. */
function imagesAfter(state: RunState, outcome: Outcome, journal: Journal): string {
  const keep = planOptionsOf(state.id).keepImages;
  if (!IMAGES_DONE.includes(outcome)) return `; images kept in ${state.storeDir} (seamless cleanup removes them)`;
  if (keep) return `; images kept in ${state.storeDir} as the plan asks`;
  try {
    // The journal's copy on the store goes with them (the state directory keeps the journal).
    journal.mirrorTo(null);
    return `; images removed (${formatBytes(removeImages(state.storeDir))})`;
  } catch (err) {
    return `; images NOT removed from ${state.storeDir} (${err instanceof Error ? err.message : String(err)}): run seamless cleanup`;
  }
}
