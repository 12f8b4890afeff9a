import { describe, expect, it } from 'vitest';
import { followUpgrade } from '../../../../electron/controller/upgrade/followUpgrade';
import type { AgentHandle } from '../../../../electron/controller/hostSessions';
import { summarize } from '../../../../shared/domain/upgrade';
import type { JournalRecord } from '../../../../shared/domain/journal';
import { kexecBegin, report, restoreEnd, START, stamped } from '../../../helpers/journalRecords';
import { SeamlessError } from '../../../../shared/errors';
import { formatEnd, formatRecord } from '../../../../shared/text/upgradeText';

const ID = 'u-20261126t000000-abcd';
/** A whole restored upgrade's journal, numbered 1…5. */
const [r1, r2, r3, r4, r5] = stamped([
  START,
  { phase: 'checkpoint', state: 'begin', message: 'checkpoint begin' },
  kexecBegin(),
  restoreEnd('done'),
  report('restored'),
]) as [JournalRecord, JournalRecord, JournalRecord, JournalRecord, JournalRecord];

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
    const summary = await followUpgrade(host([[r1, r2], [r3], 'lost', 'lost', [r4], [r5]]), ID, {
      pollMs: 1,
      onRecord: (r) => seen.push(r.seq),
    });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(summary).toMatchObject({ state: 'ended', outcome: 'restored' });
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
  it('says the host is rebooting into the kernel the kexec record names', () => {
    expect(formatRecord(r3)).toContain('host rebooting into 6.1.0-50-amd64');
    const [back] = stamped([kexecBegin(true)]);
    expect(formatRecord(back!)).toContain('host rebooting into the old kernel 6.1.0-47-amd64');
    expect(formatRecord(r4)).toMatch(/restore\s+done\s+restore done \(0\.9 s\)/);
  });

  it('ends with the host’s outcome, never a guess', () => {
    expect(formatEnd(ID, summarize(ID, [r1, r2, r3, r4, r5]))).toContain('ended (restored: every workload runs on the new kernel');
    const cold = stamped([START, kexecBegin(), restoreEnd('failed'), report('cold-started')]);
    expect(formatEnd(ID, summarize(ID, cold))).toContain('(cold-started:');
    expect(formatEnd(ID, summarize(ID, [r1, r2, r3]))).toContain('is still running (no outcome recorded)');
  });

  it('shows a record of a kind this build does not know by what it was written as', () => {
    const [u] = stamped([START]);
    const unknown: JournalRecord = {
      ...u!,
      phase: 'unrecognized',
      state: 'info',
      written: { phase: 'verify', state: 'done' },
      message: 'checked',
    };
    expect(formatRecord(unknown)).toMatch(/verify\s+done\s+checked/);
  });
});
