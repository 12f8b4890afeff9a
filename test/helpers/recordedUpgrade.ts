// Test data: the journal of a real upgrade recorded on the lab (a 256 MiB process tree,
// 6.1.0-47 → 6.1.0-50, outcome restored; test/fixtures/upgrade), read through the real parser,
// and report inputs made from it, with or without a promise injected into its start record.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJournal, type JournalRecord } from '../../shared/domain/journal';
import type { Estimate } from '../../shared/estimate/estimate';
import type { ReportInputs } from '../../shared/report/buildReport';

export const RECORDED_ID = 'u-20261203t073615-f8e1';

export function recordedJournal(): JournalRecord[] {
  return parseJournal(readFileSync(join(__dirname, '../fixtures/upgrade/lab-tree-256M.journal.jsonl'), 'utf8'));
}

export function reportInputs(over: Partial<ReportInputs> = {}, promised?: Estimate): ReportInputs {
  const records = recordedJournal().map((r) =>
    promised && r.phase === 'start' && r.state === 'done' ? { ...r, data: { ...r.data, estimate: promised } } : r,
  );
  return {
    hostId: 'lab',
    hostname: 'seamless-lab',
    upgradeId: RECORDED_ID,
    records,
    plan: null,
    preflight: null,
    hostReport: null,
    generatedAt: '2026-12-03T08:00:00.000Z',
    ...over,
  };
}
