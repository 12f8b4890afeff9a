// Why: what `seamless upgrade`, `seamless attach` and `seamless-agent upgrade --wait` print: one
// line per journal record, the measured duration where a phase ended, the moment the host goes
// away to boot the new kernel (named from the kexec record), and how it ended in the host's own
// word. Pure.
import { kernelName, type JournalRecord, type Outcome } from '../domain/journal';
import type { UpgradeSummary } from '../domain/upgrade';

const indent = (text: string) => text.split('\n').join('\n          ');

/** `afterJump`: what the reader does once the host has gone to boot the kernel the kexec record names. */
export function formatRecord(r: JournalRecord, afterJump = 'waiting for it to answer SSH again…'): string {
  const time = r.at.slice(11, 19);
  const took = 'durationMs' in r && r.durationMs !== undefined ? ` (${(r.durationMs / 1000).toFixed(1)} s)` : '';
  const [phase, state] = r.phase === 'unrecognized' ? [r.written.phase, r.written.state] : [r.phase, r.state];
  const line = `${time}  ${phase.padEnd(10)} ${state.padEnd(7)} ${r.message}${took}`;
  const error = 'error' in r ? r.error : undefined;
  const extra = error
    ? `\n          ${error.code}: ${indent(error.message)}${error.evidence ? `\n          ${indent(error.evidence)}` : ''}`
    : '';
  const rebooting =
    r.phase === 'kexec' && r.state === 'begin'
      ? `\n          host rebooting into ${r.data.back ? 'the old kernel ' : ''}${kernelName(r.data.target)}; ${afterJump}`
      : '';
  return `${line}${extra}${rebooting}`;
}

const SAID: Record<Outcome, string> = {
  restored: 'every workload runs on the new kernel with its PIDs and memory',
  'restored-unmanaged': 'every workload runs on the new kernel, but a service runs outside systemd',
  'rolled-back': 'the restore failed; the host went back to the old kernel and restored the workloads there',
  'cold-started': 'a workload could not be restored; its service was started cold (its memory was lost)',
  lost: 'a workload that is not a service could not be restored and is gone (its images are kept)',
  aborted: 'stopped before the jump; nothing was kexeced and the workloads kept running',
  failed: 'stopped where no fallback applied; check the workloads on the host',
};

/** The closing line: the host's outcome in its word and in a sentence. */
export function formatEnd(id: string, summary: UpgradeSummary): string {
  const how = summary.outcome ? `${summary.outcome}: ${SAID[summary.outcome]}` : 'no outcome recorded';
  return `Upgrade ${id} ${summary.state === 'ended' ? 'ended' : 'is still running'} (${how}).\nJournal: /var/lib/seamless/upgrades/${id}/journal.jsonl on the host.`;
}
