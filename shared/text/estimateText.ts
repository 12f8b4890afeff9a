// Why: the estimate and a dry run's measurements as both CLIs print them (`seamless`, and
// `seamless-agent` on the host): every phase's range, the blackout, which inputs were defaults,
// and what the dry run measured. Pure.
import type { DryRunMeasures } from '../domain/dryRun';
import type { Estimate } from '../estimate/estimate';
import { formatBytes, formatDuration } from '../format';
import { PHASE_LABELS } from '../report/reportText';
import { table } from './table';

const range = (r: { lowMs: number; midMs: number; highMs: number }) =>
  `${formatDuration(r.lowMs)} – ${formatDuration(r.highMs)} (≈ ${formatDuration(r.midMs)})`;
const rate = (v: number | null) => (v === null ? 'not measured' : `${(v / 1e6).toFixed(v < 1e7 ? 1 : 0)} MB/s`);

/** One estimate, or two side by side (before and after a dry run). */
export function formatEstimate(e: Estimate, before?: Estimate): string {
  const rows = e.phases.map((p) => {
    const b = before?.phases.find((x) => x.phase === p.phase);
    return [PHASE_LABELS[p.phase] + (p.inBlackout ? ' *' : ''), ...(before ? [b ? range(b) : '—'] : []), range(p)];
  });
  rows.push(['Blackout (* phases)', ...(before ? [range(before.blackout)] : []), range(e.blackout)]);
  rows.push(['Until SSH answers', ...(before ? [range(before.untilSsh)] : []), range(e.untilSsh)]);
  const header = ['phase', ...(before ? ['before the dry run'] : []), before ? 'after the dry run' : 'estimate'];
  const lines = [table(header, rows)];
  lines.push(`Memory to carry: ${formatBytes(e.bytes)} in ${e.workloads.length} workload(s).`);
  if (e.defaults.length) lines.push(`Defaults, not measurements (they widen the range): ${e.defaults.join(', ')}.`);
  return lines.join('\n');
}

export function formatMeasures(m: DryRunMeasures): string {
  const c = m.calibration;
  const lines = [
    `Store (${c.store.kind} ${c.store.where}, ${formatBytes(c.store.testBytes)} test file): write ${rate(c.store.writeBytesPerS)}, read ${rate(c.store.readBytesPerS)}${c.store.reason ? ` (${c.store.reason})` : ''}`,
    `Disk flush (${c.flush.where}): ${rate(c.flush.bytesPerS)}${c.flush.reason ? ` (${c.flush.reason})` : ''}; sha256: ${rate(c.hashBytesPerS)}`,
    `Boot: kernel ${c.boot.kernelS ?? '?'} s, initrd ${c.boot.initrdS ?? '?'} s, userspace ${c.boot.userspaceS ?? '?'} s (${c.boot.source})`,
  ];
  if (m.trials.length)
    lines.push(
      table(
        ['workload', 'processes', 'pre-dump', 'dirty rate', 'trial freeze'],
        m.trials.map((t) => [
          t.selector,
          String(t.processes),
          `${formatBytes(t.preDumpBytes)} in ${formatDuration(t.preDumpMs)}`,
          t.dirtyBytesPerS === null ? '—' : rate(t.dirtyBytesPerS),
          t.trialDump ? `${formatDuration(t.trialDump.freezeMs)} (${formatBytes(t.trialDump.bytes)})` : '—',
        ]),
      ),
    );
  for (const n of m.notes) lines.push(`note: ${n}`);
  lines.push(`Written and removed again: ${m.removed.join(', ') || 'nothing'}. Nothing was staged or kexeced.`);
  return lines.join('\n');
}
