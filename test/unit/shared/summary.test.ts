import { describe, expect, it } from 'vitest';
import { summarize } from '../../../shared/domain/upgrade';
import { isSuccess, parseJournal, type JournalRecord } from '../../../shared/domain/journal';

let seq = 0;
const at = (r: Record<string, unknown>): Record<string, unknown> => ({
  seq: ++seq,
  at: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
  atMs: 1_700_000_000_000 + seq * 1000,
  kernel: '6.1.0-47-amd64',
  message: 'm',
  ...r,
});
const records = (...rs: Record<string, unknown>[]): JournalRecord[] => parseJournal(rs.map((r) => JSON.stringify(at(r))).join('\n'));

const start = {
  phase: 'start',
  state: 'done',
  data: {
    journalVersion: 1,
    unit: 'seamless-upgrade-x.service',
    node: '/usr/bin/node',
    agent: '/var/lib/seamless/upgrades/x/agent.cjs',
    kernelBefore: '6.1.0-47-amd64',
    target: { release: '6.1.0-50-amd64', image: '/boot/vmlinuz-6.1.0-50-amd64' },
    workloads: ['unit:redis-server'],
    criuOptions: {},
    warnings: [],
  },
};
const kexec = (release: string, back: boolean) => ({
  phase: 'kexec',
  state: 'begin',
  data: { kexecAtMs: 1, target: { release, image: `/boot/vmlinuz-${release}` }, mode: 'direct', back, heldUnits: [] },
});
const report = (outcome: string) => ({ phase: 'report', state: 'done', data: { outcome, report: null, blackoutMs: 1000, phases: [] } });

describe('summarize', () => {
  it('is running until the report record, whatever the restore said', () => {
    const s = summarize('u-1', records(start, kexec('6.1.0-50-amd64', false)));
    expect(s.state).toBe('running');
    expect(s.outcome).toBeNull();
    expect(s.target).toEqual({ release: '6.1.0-50-amd64', image: '/boot/vmlinuz-6.1.0-50-amd64' });
  });

  it('takes the outcome from the report record: a cold start is ended, and not a success', () => {
    const s = summarize('u-1', records(start, kexec('6.1.0-50-amd64', false), report('cold-started')));
    expect(s).toMatchObject({ state: 'ended', outcome: 'cold-started', records: 3 });
    expect(isSuccess(s.outcome)).toBe(false);
    expect(isSuccess(summarize('u-1', records(start, report('restored'))).outcome)).toBe(true);
  });

  it('names the kernel of the last jump (the jump back after a failed restore)', () => {
    const s = summarize('u-1', records(start, kexec('6.1.0-50-amd64', false), kexec('6.1.0-47-amd64', true), report('rolled-back')));
    expect(s.target?.release).toBe('6.1.0-47-amd64');
    expect(s.outcome).toBe('rolled-back');
  });

  it('keeps a record with an unknown error code, and one of an unknown kind, instead of dropping them', () => {
    const rs = records(
      start,
      { phase: 'pre-sync', state: 'failed', durationMs: 5, error: { code: 'SOME_FUTURE_CODE', message: 'x' } },
      { phase: 'teleport', state: 'begin', data: { anything: true } },
    );
    expect(rs).toHaveLength(3);
    expect(rs[1]).toMatchObject({ phase: 'pre-sync', state: 'failed', error: { code: 'SOME_FUTURE_CODE' } });
    expect(rs[2]).toMatchObject({ phase: 'unrecognized', state: 'info', written: { phase: 'teleport', state: 'begin' } });
  });
});
