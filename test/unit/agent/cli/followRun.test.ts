// `upgrade --wait` follows the journal the run writes (the real writer, into a temp file): it
// prints the records as they come, stops at the jump (this process would die with the old
// kernel) or at the end the host decided, and stops watching, never the run, when asked to.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { followRun } from '../../../../agent/cli/followRun';
import { Journal } from '../../../../agent/upgrade/journal';
import { kexecBegin, report, START } from '../../../helpers/journalRecords';

let dir: string;
let out: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seamless-follow-'));
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const never = new AbortController().signal;

describe('followRun', () => {
  it('prints each record as the run writes it and stops at the jump, naming the kernel', async () => {
    const journal = new Journal('u-test', join(dir, 'journal.jsonl'));
    journal.write(START);
    const following = followRun('u-test', journal.path, { json: false, tty: false, signal: never, pollMs: 10 });
    await new Promise((r) => setTimeout(r, 50));
    journal.write({ phase: 'checkpoint', state: 'begin', message: 'freezing' });
    journal.write(kexecBegin());
    journal.write(report('restored')); // written on the new kernel: this follower is gone by then
    const end = await following;
    expect(end).toEqual({ kind: 'jumping', target: { release: '6.1.0-50-amd64', image: '/boot/vmlinuz-6.1.0-50-amd64' } });
    expect(out).toMatch(/start +done +started\n/);
    expect(out).toMatch(/checkpoint +begin +freezing\n/);
    expect(out).toContain('host rebooting into 6.1.0-50-amd64; this process ends with the old kernel');
    expect(out).not.toContain('report');
  });

  it('ends with the outcome when the run ends before the jump (JSON lines)', async () => {
    const journal = new Journal('u-test', join(dir, 'journal.jsonl'));
    journal.write(START);
    journal.write({
      phase: 'fallback',
      state: 'done',
      message: 'aborted',
      data: { aborted: true, cause: 'dump failed', undo: [] },
    });
    journal.write(report('aborted'));
    const end = await followRun('u-test', journal.path, { json: true, tty: false, signal: never, pollMs: 10 });
    expect(end).toMatchObject({ kind: 'ended', summary: { state: 'ended', outcome: 'aborted', records: 3 } });
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; record: { phase: string } });
    expect(lines.map((l) => `${l.event}:${l.record.phase}`)).toEqual(['record:start', 'record:fallback', 'record:report']);
  });

  it('stops watching when asked, the run going on', async () => {
    const journal = new Journal('u-test', join(dir, 'journal.jsonl'));
    journal.write(START);
    const stop = new AbortController();
    const following = followRun('u-test', journal.path, { json: false, tty: true, signal: stop.signal, pollMs: 10 });
    await new Promise((r) => setTimeout(r, 30));
    stop.abort();
    expect(await following).toEqual({ kind: 'interrupted' });
  });
});
