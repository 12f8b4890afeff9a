// Why: what `seamless upgrade` and `seamless attach` print on a terminal: one line per journal
// record, the measured duration where a phase ended, and the moment the host goes away to boot
// the new kernel said in words. Pure.
import type { JournalRecord, UpgradeSummary } from '../../shared/domain/upgrade';

export function formatRecord(r: JournalRecord): string {
  const time = r.at.slice(11, 19);
  const took = r.durationMs !== undefined ? ` (${(r.durationMs / 1000).toFixed(1)} s)` : '';
  const line = `${time}  ${r.phase.padEnd(10)} ${r.state.padEnd(7)} ${r.message}${took}`;
  const extra = r.error
    ? `\n          ${r.error.code}: ${r.error.message}${r.error.evidence ? `\n          ${r.error.evidence.split('\n').join('\n          ')}` : ''}`
    : '';
  const rebooting =
    r.phase === 'kexec' && r.state === 'begin'
      ? `\n          host rebooting into ${typeof r.data?.kernel === 'string' ? r.data.kernel : 'the new kernel'}; waiting for it to answer SSH again…`
      : '';
  return `${line}${extra}${rebooting}`;
}

/** The outcome the report record gives, if the upgrade got that far. */
export function outcomeOf(summary: UpgradeSummary, records: JournalRecord[]): string | null {
  const report = [...records].reverse().find((r) => r.phase === 'report' && r.state === 'done');
  const outcome = report?.data?.outcome ?? summary.last?.data?.outcome;
  return typeof outcome === 'string' ? outcome : null;
}
