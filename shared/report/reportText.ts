// Why: words the renderings share, so the Markdown and the HTML say the same thing.
import { formatBytes, formatDuration } from '../format';
import type { Report, ReportRange } from './model';

export const PHASE_LABELS: Record<Report['phases'][number]['phase'], string> = {
  'pre-dump': 'Pre-dump (running)',
  'freeze-dump': 'Freeze + dump',
  'kexec-jump': 'kexec jump',
  'kernel-boot': 'Kernel boot',
  'userspace-to-hook': 'Userspace to restore hook',
  'image-check': 'Image check',
  restore: 'Restore',
  'lazy-fill': 'Lazy fill (running, degraded)',
  'hand-back': 'Hand-back to systemd',
  rewarm: 'Rewarm page cache',
};

export const rangeText = (r: ReportRange | null): string =>
  r ? `${formatDuration(r.lowMs)} – ${formatDuration(r.highMs)} (≈ ${formatDuration(r.midMs)})` : 'not estimated';

/** Where a measurement fell against its promise. */
export function verdict(r: ReportRange | null, measuredMs: number | null): 'inside' | 'longer' | 'shorter' | 'unknown' {
  if (!r || measuredMs === null) return 'unknown';
  if (measuredMs > r.highMs) return 'longer';
  if (measuredMs < r.lowMs) return 'shorter';
  return 'inside';
}

export const VERDICT_WORDS = {
  inside: 'within the range',
  longer: 'LONGER than promised',
  shorter: 'shorter than promised',
  unknown: '—',
} as const;

export const OUTCOME_WORDS: Record<NonNullable<Report['outcome']>, string> = {
  restored: 'restored: every workload runs on the new kernel',
  'restored-unmanaged': 'restored-unmanaged: every workload runs, but systemd did not take a service back',
  'rolled-back': 'rolled-back: the restore failed on the new kernel; everything was restored on the old one',
  'cold-started': 'cold-started: a workload could not be restored and was started cold (images kept)',
  lost: 'lost: a workload that is not a service could not be restored and is gone; nothing could start it cold (images kept)',
  aborted: 'aborted: stopped before the jump; nothing was kexeced, the workloads kept running',
  failed: 'failed: stopped where no fallback applied; check the workloads on the host',
};

/** The outcome's word, then what it means. */
export const outcomeWords = (o: Report['outcome']) => (o ? OUTCOME_WORDS[o] : 'running: the upgrade has not ended yet');

/** The dirty page cache the freeze began with (the pre-sync flushed the rest while the workloads ran), or null when not recorded. */
export const dirtyAtFreezeText = (r: Report): string | null =>
  r.blackout.dirtyBytesAtFreeze == null
    ? null
    : `${formatBytes(r.blackout.dirtyBytesAtFreeze)} of dirty page cache when the freeze began (the sync before it flushed the rest while the workloads ran)`;

/** A lazy restore's degraded window after the blackout: how long, and the page faults waited for in it. */
export const degradedText = (r: Report): string | null => {
  const d = r.blackout.degraded;
  if (!d) return null;
  if (d.ms === null)
    return `lazy restore: a fill did not finish (${d.faults} page fault(s) waited for); the journal says which tree was stopped`;
  const rate = d.ms > 0 ? ` (${(d.faults / (d.ms / 1000)).toFixed(1)}/s)` : '';
  const eager =
    d.eagerBytes == null
      ? ''
      : `; ${formatBytes(d.eagerBytes)} restored before the workloads ran (what lazy restore cannot serve: shared memory, and the pages CRIU needs at once)`;
  return `running, degraded, for ${formatDuration(d.ms)} after the blackout until every page was back (lazy restore): ${d.faults} page fault(s) waited for${rate}${eager}`;
};
