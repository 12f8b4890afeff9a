// A fleet folder as a playbook leaves it, in both layouts (DIR/<host>.json, DIR/<host>/report.json)
// and with the clutter a real folder has: every JSON file up to two levels is read, a bad one is
// named rather than dropped, nothing deeper or hidden is read, and a folder with no report at all
// is a coded error. The fleet's exit code is its worst host's.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitForFleet } from '../../../electron/cli/commands/fleetCommands';
import { readFleetEntries, readFleetReport } from '../../../electron/report/readFleetDir';
import { SeamlessError } from '../../../shared/errors';
import { buildReport } from '../../../shared/report/buildReport';
import type { Report } from '../../../shared/report/model';
import { reportInputs } from '../../helpers/recordedUpgrade';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seamless-fleet-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const report = (hostname: string, outcome: Report['outcome'] = 'restored'): Report => ({
  ...buildReport(reportInputs({ hostId: hostname, hostname })),
  outcome,
});
const put = (path: string, text: string) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
};

describe('reading a fleet folder', () => {
  it('reads both layouts, names every bad file, and reads nothing deeper or hidden', () => {
    put('web1.json', JSON.stringify(report('web1')));
    put('db1/report.json', JSON.stringify(report('db1', 'rolled-back')));
    put('db1/notes.txt', 'not json, not read');
    put('broken.json', '{"version":1');
    put('deep/er/report.json', JSON.stringify(report('deep')));
    put('.cache/report.json', JSON.stringify(report('hidden')));
    const entries = readFleetEntries(dir);
    expect(entries.map((e) => [e.source, e.name, 'report' in e])).toEqual([
      ['broken.json', 'broken', false],
      ['db1/report.json', 'db1', true],
      ['web1.json', 'web1', true],
    ]);
    const f = readFleetReport(dir, '2026-12-04T10:00:00.000Z');
    expect(f.hosts.map((h) => [h.name, h.status])).toEqual([
      ['db1', 'rolled-back'],
      ['web1', 'restored'],
    ]);
    expect(f.errors).toEqual([{ source: 'broken.json', message: expect.stringMatching(/^not JSON/) }]);
  });

  it('follows links (reports gathered by linking them, a linked folder); a FIFO or a dangling link is named, never read', () => {
    put('store/web1.json', JSON.stringify(report('web1')));
    const fleet = join(dir, 'fleet');
    mkdirSync(fleet);
    symlinkSync(join(dir, 'store', 'web1.json'), join(fleet, 'web1.json'));
    symlinkSync(join(dir, 'store'), join(fleet, 'db1'));
    symlinkSync(join(dir, 'gone.json'), join(fleet, 'gone.json'));
    execFileSync('mkfifo', [join(fleet, 'pipe.json')]);
    const linked = join(dir, 'linked-fleet');
    symlinkSync(fleet, linked);
    const entries = readFleetEntries(linked);
    expect(entries.map((e) => [e.source, 'report' in e ? e.report.host.hostname : e.error])).toEqual([
      ['db1/web1.json', 'web1'],
      ['gone.json', expect.stringMatching(/^cannot be read \(ENOENT/)],
      ['pipe.json', 'not a regular file'],
      ['web1.json', 'web1'],
    ]);
  });

  it('a folder with no report, or none at all, is a coded error that says what it expected', () => {
    expect(() => readFleetReport(dir)).toThrow(/holds no report: expected DIR\/<host>\.json or DIR\/<host>\/report\.json/);
    put('a.json', '[]');
    let err: unknown;
    try {
      readFleetReport(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SeamlessError);
    expect(err).toMatchObject({ code: 'FLEET_NO_REPORTS', evidence: expect.stringMatching(/^a\.json: not a Seamless report/) });
    expect(() => readFleetReport(join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'FLEET_DIR_UNREADABLE' }));
    expect(() => readFleetReport(join(dir, 'a.json'))).toThrow(expect.objectContaining({ code: 'FLEET_DIR_UNREADABLE' }));
  });
});

describe('the fleet’s exit code', () => {
  const fleetOf = (...outcomes: Report['outcome'][]) => {
    outcomes.forEach((o, i) => put(`h${i}.json`, JSON.stringify(report(`h${i}`, o))));
    return readFleetReport(dir);
  };

  it('0 only when every host was restored; else the worst host’s code; 1 for an unknown outcome or a bad file', () => {
    expect(exitForFleet(fleetOf('restored', 'restored'))).toBe(0);
    expect(exitForFleet(fleetOf('restored', 'restored-unmanaged'))).toBe(5);
    expect(exitForFleet(fleetOf('restored', 'aborted', 'rolled-back'))).toBe(5);
    expect(exitForFleet(fleetOf('restored', 'aborted', 'rolled-back', 'lost'))).toBe(6);
  });

  it('a bad file or a running upgrade makes a clean fleet a problem (1), never success', () => {
    put('h0.json', JSON.stringify(report('h0')));
    put('junk.json', '{}');
    expect(exitForFleet(readFleetReport(dir))).toBe(1);
    rmSync(join(dir, 'junk.json'));
    put('h1.json', JSON.stringify(report('h1', null)));
    expect(exitForFleet(readFleetReport(dir))).toBe(1);
    put('h2.json', JSON.stringify(report('h2', 'aborted')));
    expect(exitForFleet(readFleetReport(dir))).toBe(4);
  });
});
