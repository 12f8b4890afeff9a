import { describe, expect, it } from 'vitest';
import { followUpgrade } from '../../../../electron/controller/upgrade/followUpgrade';
import type { AgentHandle } from '../../../../electron/controller/hostSessions';
import { summarize, type JournalRecord } from '../../../../shared/domain/upgrade';
import { SeamlessError } from '../../../../shared/errors';
import { formatRecord, outcomeOf } from '../../../../electron/cli/upgradeFormat';

const ID = 'u-20261126t000000-abcd';
const rec = (seq: number, phase: JournalRecord['phase'], state: JournalRecord['state'], data?: Record<string, unknown>): JournalRecord => ({
  seq,
  at: `2026-11-26T00:00:${String(seq).padStart(2, '0')}.000Z`,
  atMs: seq * 1000,
  kernel: seq < 4 ? '6.1.0-47-amd64' : '6.1.0-50-amd64',
  phase,
  state,
  message: `${phase} ${state}`,
  durationMs: state === 'done' ? 1000 : undefined,
  data,
});

/** A host whose journal grows between polls, and whose link drops at the kexec. */
function host(script: (JournalRecord[] | 'lost')[]): () => Promise<AgentHandle> {
  let step = 0;
  const all: JournalRecord[] = [];
  const handle = {
    call: async (method: string, params: { since: number }) => {
      if (method !== 'upgrade.journal') throw new Error(method);
      const next = script[Math.min(step++, script.length - 1)]!;
      if (next === 'lost') throw new SeamlessError('CONNECTION_LOST', 'kexec');
      for (const r of next) if (!all.some((a) => a.seq === r.seq)) all.push(r);
      return { id: ID, records: all.filter((r) => r.seq > params.since), summary: summarize(ID, all) };
    },
  } as unknown as AgentHandle;
  return async () => handle;
}

describe('followUpgrade', () => {
  it('delivers every record once, in order, across a lost link, until the report', async () => {
    const seen: number[] = [];
    const summary = await followUpgrade(
      host([
        [rec(1, 'start', 'begin'), rec(2, 'checkpoint', 'done')],
        [rec(3, 'kexec', 'begin', { kernel: '6.1.0-50-amd64' })],
        'lost',
        'lost',
        [rec(4, 'restore', 'done')],
        [rec(5, 'report', 'done', { outcome: 'restored' })],
      ]),
      ID,
      { pollMs: 1, onRecord: (r) => seen.push(r.seq) },
    );
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(summary.state).toBe('done');
  });

  it('gives up with a clear error after its patience, and never on a lasting error', async () => {
    await expect(followUpgrade(host(['lost']), ID, { pollMs: 1, reconnectTimeoutMs: 20, onRecord: () => {} })).rejects.toMatchObject({
      code: 'CONNECTION_LOST',
      message: expect.stringContaining('seamless attach'),
    });
    const broken = async () =>
      ({ call: async () => Promise.reject(new SeamlessError('HOST_KEY_CHANGED', 'changed')) }) as unknown as AgentHandle;
    await expect(followUpgrade(broken, ID, { pollMs: 1, onRecord: () => {} })).rejects.toMatchObject({ code: 'HOST_KEY_CHANGED' });
  });
});

describe('upgrade output', () => {
  it('says the host is rebooting into the new kernel', () => {
    expect(formatRecord(rec(3, 'kexec', 'begin', { kernel: '6.1.0-50-amd64' }))).toContain('host rebooting into 6.1.0-50-amd64');
    expect(formatRecord(rec(2, 'checkpoint', 'done'))).toMatch(/checkpoint\s+done\s+checkpoint done \(1\.0 s\)/);
  });

  it('reads the outcome from the report record', () => {
    const records = [rec(1, 'start', 'begin'), rec(5, 'report', 'done', { outcome: 'restored' })];
    expect(outcomeOf(summarize(ID, records), records)).toBe('restored');
  });
});
