// Why: while the upgrade runs, each phase's promise (journaled with the start) beside what it
// has taken so far, so the admin sees at once whether it is on time, and after the jump, how long
// the host has been gone against the blackout promised.
import type { JournalRecord } from '../../../shared/domain/journal';
import { formatDuration } from '../../../shared/format';
import { measuredPhases } from '../../../shared/report/buildReport';
import { PHASE_LABELS, rangeText, verdict, VERDICT_WORDS } from '../../../shared/report/reportText';

export function LiveEstimate({ records }: { records: readonly JournalRecord[] }) {
  const start = records.find((r) => r.phase === 'start' && r.state === 'done');
  const promised = start && start.phase === 'start' && start.state === 'done' ? start.data.estimate : undefined;
  if (!promised) return null;
  const measured = measuredPhases(records);
  return (
    <table className="estimate-table" data-testid="run-estimate" aria-label="Promised and measured, as it happens">
      <thead>
        <tr>
          <th scope="col">phase</th>
          <th scope="col">promised</th>
          <th scope="col">measured</th>
          <th scope="col">
            <span className="visually-hidden">verdict</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {promised.phases.map((p) => {
          const m = measured[p.phase];
          return (
            <tr key={p.phase} className={p.inBlackout ? 'in-blackout' : undefined}>
              <td>{PHASE_LABELS[p.phase]}</td>
              <td>{rangeText(p)}</td>
              <td>{m.ms === null ? '…' : formatDuration(m.ms)}</td>
              <td>{m.ok === false ? 'failed' : m.ms === null ? '' : VERDICT_WORDS[verdict(p, m.ms)]}</td>
            </tr>
          );
        })}
        <tr>
          <td>
            <strong>Blackout</strong>
          </td>
          <td>{rangeText(promised.blackout)}</td>
          <td colSpan={2}>{blackoutOf(records)}</td>
        </tr>
      </tbody>
    </table>
  );
}

function blackoutOf(records: readonly JournalRecord[]): string {
  const end = records.find((r) => r.phase === 'restore' && (r.state === 'done' || r.state === 'failed'));
  if (end && end.phase === 'restore' && (end.state === 'done' || end.state === 'failed') && end.data.blackoutMs !== null)
    return formatDuration(end.data.blackoutMs);
  const frozen = records.find((r) => r.phase === 'checkpoint' && r.state === 'begin');
  return frozen ? 'running (frozen since the checkpoint)' : 'not yet';
}
