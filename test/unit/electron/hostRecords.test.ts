// What the controller remembers of a host: a calibration reused until stale, the last dry run's
// workload figures for an upgrade started soon after, and the reports as history (oldest first
// for the estimate, only runs that got past the jump). Damaged files are ignored, never misread.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostRecords } from '../../../electron/controller/hosts/hostRecords';
import type { Calibration, WorkloadTrial } from '../../../shared/estimate/calibration';
import { buildReport } from '../../../shared/report/buildReport';
import { reportInputs } from '../../helpers/recordedUpgrade';

const cal = (at: number): Calibration => ({
  version: 1,
  hostname: 'h',
  kernel: 'k',
  measuredAt: new Date(at).toISOString(),
  measuredAtMs: at,
  store: { kind: 'pmem', where: '/dev/pmem0', testBytes: 1, writeBytesPerS: 1e8, readBytesPerS: 2e8, reason: null },
  flush: { where: '/x', testBytes: 1, bytesPerS: 1e8, reason: null },
  hashBytesPerS: 1e8,
  boot: { kernelS: 1, initrdS: null, userspaceS: 2, source: 'test' },
});
const trial = (selector: string): WorkloadTrial => ({
  selector,
  processes: 1,
  mappings: 1,
  fds: 1,
  preDumpBytes: 1,
  preDumpMs: 1,
  dirtyBytesPerS: null,
  trialDump: null,
});

describe('host records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seamless-records-'));
  const r = new HostRecords(dir);
  const now = 1_800_000_000_000;

  it('reuses a calibration for a week, not after', () => {
    r.saveCalibration('lab', cal(now));
    expect(r.calibration('lab', now + 6 * 24 * 3600e3)?.measuredAtMs).toBe(now);
    expect(r.calibration('lab', now + 8 * 24 * 3600e3)).toBeNull();
    expect(r.calibration('other', now)).toBeNull();
  });

  it('gives a dry run’s figures for the same workloads within the hour', () => {
    r.saveTrials('lab', [trial('pid:1'), trial('pid:2')], now);
    expect(r.trials('lab', ['pid:2', 'pid:9'], now + 10 * 60e3).map((t) => t.selector)).toEqual(['pid:2']);
    expect(r.trials('lab', ['pid:2'], now + 2 * 3600e3)).toEqual([]);
  });

  it('keeps reports as history; a damaged file is ignored', () => {
    const report = buildReport(reportInputs());
    r.saveReport('lab', report);
    r.saveReport('lab', { ...buildReport(reportInputs()), upgradeId: 'u-aborted', outcome: 'aborted' });
    mkdirSync(join(dir, 'hosts', 'lab', 'reports'), { recursive: true });
    writeFileSync(join(dir, 'hosts', 'lab', 'reports', 'u-broken.json'), '{"version":1,');
    expect(
      r
        .reports('lab')
        .map((x) => x.upgradeId)
        .sort(),
    ).toEqual(['u-20261203t073615-f8e1', 'u-aborted']);
    expect(r.history('lab').map((h) => h.upgradeId)).toEqual(['u-20261203t073615-f8e1']);
  });
});
