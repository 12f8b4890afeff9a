// Test data: reports of the hosts of a rollout, each built (buildReport) from the journal of a
// real upgrade recorded on the lab (recordedUpgrade.ts), ended as a host of a fleet may end:
// restored; rolled back (back on the old kernel); failed (the restore failed, nothing restored,
// CRIU's evidence kept); or any other outcome the report record names.
import type { JournalRecord, Outcome } from '../../shared/domain/journal';
import { buildReport } from '../../shared/report/buildReport';
import type { Report } from '../../shared/report/model';
import { recordedJournal, reportInputs } from './recordedUpgrade';

/** The recorded journal, ended as `outcome`. */
export function journalEndingIn(outcome: Outcome): JournalRecord[] {
  return recordedJournal().map((r): JournalRecord => {
    if (r.phase === 'report' && r.state === 'done') return { ...r, data: { ...r.data, outcome } };
    if (outcome === 'rolled-back' && r.phase === 'boot' && r.state === 'done')
      return { ...r, data: { ...r.data, kernelAfter: '6.1.0-47-amd64' } };
    if (outcome === 'failed' && r.phase === 'restore' && r.state === 'done')
      return {
        ...r,
        state: 'failed',
        message: 'restore of pid:852 failed',
        data: { ...r.data, restored: [], failed: ['pid:852'] },
        error: { code: 'CRIU_RESTORE_FAILED', message: 'criu restore failed', evidence: 'Error (criu/cr-restore.c:1234)' },
      };
    return r;
  });
}

/** A host's report, as `seamless report --format json` writes it, for an upgrade that ended as `outcome`. */
export const fleetHostReport = (hostname: string, outcome: Outcome): Report =>
  buildReport(reportInputs({ hostId: hostname, hostname, records: journalEndingIn(outcome) }));
