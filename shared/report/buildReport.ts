// Why: the report model from what the host recorded (the journal, with the estimate promised at
// the start; plan.json, preflight.json and report.json) and what the controller sees now (the
// restored processes' memory). Pure: the same inputs always give the same report.
import type { PreflightResult } from '../domain/findings';
import type { JournalRecord, RecordedError, RecordOf } from '../domain/journal';
import { durationOf, errorOf, targetKernelOf } from '../domain/journal';
import type { UpgradeReport } from '../domain/upgrade';
import { ESTIMATE_PHASES, type EstimatePhase } from '../estimate/estimate';
import type { HistoryEntry } from '../estimate/history';
import type { Plan } from '../plan/plan';
import { REPORT_VERSION, type Report } from './model';

export interface ReportInputs {
  hostId: string;
  hostname: string | null;
  upgradeId: string;
  records: readonly JournalRecord[];
  plan: Plan | null;
  preflight: PreflightResult | null;
  hostReport: UpgradeReport | null;
  /** RSS of restored root PIDs' trees now, by root PID. */
  rssNow?: ReadonlyMap<number, number>;
  generatedAt: string;
}

const first = <R extends JournalRecord>(records: readonly JournalRecord[], is: (r: JournalRecord) => r is R): R | undefined =>
  records.find(is);
const sumOf = (xs: readonly (number | undefined)[]): number | null =>
  xs.some((x) => x !== undefined) ? xs.reduce<number>((s, x) => s + (x ?? 0), 0) : null;

/** What each estimate phase measured, from the records (the first forward jump and restore). */
export function measuredPhases(
  records: readonly JournalRecord[],
): Record<EstimatePhase, { ms: number | null; ok: boolean | null; error: RecordedError | null }> {
  const ended = (phase: string) => records.filter((r) => r.phase === phase && (r.state === 'done' || r.state === 'failed'));
  const okOf = (rs: readonly JournalRecord[]) => (rs.length === 0 ? null : rs.every((r) => r.state !== 'failed' && errorOf(r) === null));
  const errOf = (rs: readonly JournalRecord[]) => rs.map(errorOf).find((e) => e !== null) ?? null;
  const boot = first(records, (r): r is RecordOf<'boot', 'done'> => r.phase === 'boot' && r.state === 'done');
  const bootFailed = first(records, (r): r is RecordOf<'boot', 'failed'> => r.phase === 'boot' && r.state === 'failed');
  const restoreEnd = first(
    records,
    (r): r is RecordOf<'restore', 'done' | 'failed'> => r.phase === 'restore' && (r.state === 'done' || r.state === 'failed'),
  );
  const restoreBegin = restoreEnd ? records.findIndex((r) => r === restoreEnd) : -1;
  const checks = records
    .slice(0, restoreBegin === -1 ? records.length : restoreBegin)
    .filter((r): r is RecordOf<'restore', 'info'> => r.phase === 'restore' && r.state === 'info' && r.data.step === 'images-checked');
  const imageCheck = sumOf(checks.map((r) => r.durationMs));
  const hookS = boot?.data.uptimeAtHookS;
  const initS = boot?.data.initStartS;
  const preDump = ended('pre-dump');
  const checkpoint = ended('checkpoint');
  const release = ended('release');
  const rewarm = ended('rewarm');
  const lazyFill = ended('lazy-fill');
  const m = (ms: number | null, rs: readonly JournalRecord[] = []) => ({ ms, ok: okOf(rs), error: errOf(rs) });
  return {
    'pre-dump': m(sumOf(preDump.map(durationOf)), preDump),
    'freeze-dump': m(sumOf(checkpoint.map(durationOf)), checkpoint),
    'kexec-jump': {
      ms: boot?.durationMs !== undefined && hookS !== undefined ? Math.max(0, boot.durationMs - hookS * 1000) : null,
      ok: boot ? true : bootFailed ? false : null,
      error: bootFailed?.error ?? null,
    },
    'kernel-boot': m(initS !== undefined ? initS * 1000 : null, boot ? [boot] : []),
    'userspace-to-hook': m(hookS !== undefined && initS !== undefined ? Math.max(0, (hookS - initS) * 1000) : null, boot ? [boot] : []),
    'image-check': m(imageCheck, checks),
    restore: m(restoreEnd ? Math.max(0, restoreEnd.durationMs - (imageCheck ?? 0)) : null, restoreEnd ? [restoreEnd] : []),
    'lazy-fill': m(
      sumOf(lazyFill.map((r) => (r.phase === 'lazy-fill' && r.state !== 'info' ? (r.data.degradedMs ?? undefined) : undefined))),
      lazyFill,
    ),
    'hand-back': m(sumOf(release.map(durationOf)), release),
    rewarm: m(sumOf(rewarm.map(durationOf)), rewarm),
  };
}

export function buildReport(i: ReportInputs): Report {
  const start = first(i.records, (r): r is RecordOf<'start', 'done'> => r.phase === 'start' && r.state === 'done');
  const end = first(i.records, (r): r is RecordOf<'report', 'done'> => r.phase === 'report' && r.state === 'done');
  const restoreEnd = first(
    i.records,
    (r): r is RecordOf<'restore', 'done' | 'failed'> => r.phase === 'restore' && (r.state === 'done' || r.state === 'failed'),
  );
  const bootAfter = [...i.records].reverse().find((r): r is RecordOf<'boot', 'done'> => r.phase === 'boot' && r.state === 'done');
  const promised = start?.data.estimate ?? null;
  const lazyFillEnd = first(
    i.records,
    (r): r is RecordOf<'lazy-fill', 'done' | 'failed'> => r.phase === 'lazy-fill' && (r.state === 'done' || r.state === 'failed'),
  );
  const measured = measuredPhases(i.records);
  const selectors = i.plan?.workloads ?? start?.data.workloads ?? i.hostReport?.workloads.map((w) => w.selector) ?? [];
  const dumped = first(i.records, (r): r is RecordOf<'checkpoint', 'done'> => r.phase === 'checkpoint' && r.state === 'done');
  return {
    version: REPORT_VERSION,
    generatedAt: i.generatedAt,
    host: { id: i.hostId, hostname: i.hostname },
    upgradeId: i.upgradeId,
    startedAt: i.records[0]?.at ?? null,
    outcome: end?.data.outcome ?? null,
    kernels: {
      before: start?.data.kernelBefore ?? i.hostReport?.kernelBefore ?? null,
      after: bootAfter?.data.kernelAfter ?? i.hostReport?.kernelAfter ?? null,
      target: targetKernelOf(i.records),
    },
    plan: i.plan,
    findings: i.preflight?.findings ?? [],
    phases: ESTIMATE_PHASES.map((phase) => {
      const est = promised?.phases.find((p) => p.phase === phase);
      return {
        phase,
        estimate: est ? { lowMs: est.lowMs, midMs: est.midMs, highMs: est.highMs } : null,
        measuredMs: measured[phase].ms,
        ok: measured[phase].ok,
        error: measured[phase].error ?? null,
      };
    }),
    blackout: {
      estimate: promised?.blackout ?? null,
      measuredMs: restoreEnd?.data.blackoutMs ?? i.hostReport?.blackoutMs ?? null,
      dirtyBytesAtFreeze: dumped?.data.dirtyBytesAtFreeze ?? null,
      degraded: lazyFillEnd
        ? { ms: lazyFillEnd.data.degradedMs, faults: lazyFillEnd.data.faults, eagerBytes: lazyFillEnd.data.eagerBytes ?? null }
        : null,
    },
    untilSsh: { estimate: promised?.untilSsh ?? null },
    estimateDefaults: promised?.defaults ?? [],
    workloads: selectors.map((selector) => {
      const before = promised?.workloads.find((w) => w.selector === selector);
      const after = i.hostReport?.workloads.find((w) => w.selector === selector);
      const rootPid = after?.rootPid ?? dumped?.data.workloads.find((w) => w.selector === selector)?.rootPid ?? null;
      return {
        selector,
        before: { rootPid, processes: before?.processes ?? null, bytes: before?.bytes ?? null, rssBytes: before?.rssBytes ?? null },
        after: {
          restored: after ? after.restored : restoreEnd ? restoreEnd.data.restored.includes(selector) : null,
          processes: after?.processes ?? null,
          bytesDumped: after?.bytesDumped ?? dumped?.data.workloads.find((w) => w.selector === selector)?.bytesDumped ?? null,
          rssBytes: rootPid !== null ? (i.rssNow?.get(rootPid) ?? null) : null,
          handedBackTo: after?.handedBackTo ?? null,
        },
      };
    }),
    evidence: i.records.flatMap((r) => {
      const e = errorOf(r);
      return e
        ? [{ seq: r.seq, at: r.at, phase: r.phase, state: r.state, message: r.message, code: e.code, evidence: e.evidence ?? null }]
        : [];
    }),
  };
}

/** What the next estimate learns from this run. */
export function historyEntryOf(report: Report): HistoryEntry | null {
  if (report.outcome === null || report.outcome === 'aborted') return null;
  const ms = (p: EstimatePhase) => report.phases.find((x) => x.phase === p)?.measuredMs ?? null;
  return {
    upgradeId: report.upgradeId,
    endedAt: report.generatedAt,
    outcome: report.outcome,
    kernelAfter: report.kernels.after,
    bytes: report.workloads.reduce((s, w) => s + (w.after.bytesDumped ?? 0), 0),
    processes: report.workloads.reduce((s, w) => s + (w.after.processes ?? 0), 0),
    kexecJumpMs: ms('kexec-jump'),
    kernelBootMs: ms('kernel-boot'),
    userspaceToHookMs: ms('userspace-to-hook'),
    imageCheckMs: ms('image-check'),
    restoreMs: ms('restore'),
    blackoutMs: report.blackout.measuredMs,
  };
}
