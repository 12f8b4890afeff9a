// Why: `upgrade --wait` shows the run as it goes, from the journal the run itself writes (the
// same records the app and `seamless attach` show), until the run ends before the jump, or the
// host jumps into the new kernel: then this process dies with the old kernel, so it stops at
// the kexec record and says how to ask again. On a terminal a phase that runs longer than a
// second shows its elapsed time (and the bytes its progress records carry) on one line.
import { kernelName, type JournalRecord, type TargetKernel } from '../../shared/domain/journal';
import { summarize, type UpgradeSummary } from '../../shared/domain/upgrade';
import { formatRecord } from '../../shared/text/upgradeText';
import { sleep } from '../exec/sh';
import { readJournal } from '../upgrade/journal';

export type FollowEnd = { kind: 'ended'; summary: UpgradeSummary } | { kind: 'jumping'; target: TargetKernel } | { kind: 'interrupted' };

export interface FollowOptions {
  json: boolean;
  /** Progress lines overwrite each other (a terminal); elsewhere every record is a line. */
  tty: boolean;
  signal: AbortSignal;
  pollMs?: number;
}

const AFTER_JUMP = 'this process ends with the old kernel; once the host answers again, ask `seamless-agent status`.';

export async function followRun(id: string, journalFile: string, opts: FollowOptions): Promise<FollowEnd> {
  const pollMs = opts.pollMs ?? 250;
  let since = 0;
  let open: { phase: string; atMs: number } | null = null;
  let lineOpen = false;
  let progressAt = 0;
  const write = (text: string) => {
    process.stdout.write(`${lineOpen ? '\r\x1b[2K' : ''}${text}`);
    lineOpen = false;
  };
  const transient = (text: string) => {
    process.stdout.write(`\r\x1b[2K${text}`);
    lineOpen = true;
  };
  const show = (r: JournalRecord) => {
    if (opts.json) return write(`${JSON.stringify({ event: 'record', id, record: r })}\n`);
    if (opts.tty && r.state === 'progress') {
      progressAt = Date.now();
      return transient(formatRecord(r, AFTER_JUMP));
    }
    write(`${formatRecord(r, AFTER_JUMP)}\n`);
  };
  for (;;) {
    if (opts.signal.aborted) {
      if (lineOpen) write('\n');
      return { kind: 'interrupted' };
    }
    const all = readJournal(journalFile);
    for (const r of all) {
      if (r.seq <= since) continue;
      since = r.seq;
      if (r.state === 'begin') open = { phase: r.phase, atMs: r.atMs };
      else if (r.state !== 'progress' && r.state !== 'info' && open?.phase === r.phase) open = null;
      show(r);
      if (r.phase === 'kexec' && r.state === 'begin') {
        if (opts.json) write(`${JSON.stringify({ event: 'jumping', id, target: r.data.target })}\n`);
        return { kind: 'jumping', target: r.data.target };
      }
    }
    const summary = summarize(id, all);
    if (summary.state === 'ended') return { kind: 'ended', summary };
    // A phase without progress records of its own (or between them) still shows that it runs.
    const now = Date.now();
    if (opts.tty && !opts.json && open && now - open.atMs > 1000 && now - progressAt > 1500)
      transient(`          ${open.phase} … ${Math.round((now - open.atMs) / 1000)} s`);
    await sleep(pollMs);
  }
}

/** The line printed when the follower saw the jump. */
export const jumpingLine = (id: string, target: TargetKernel): string =>
  `The host is jumping into ${kernelName(target)} now. Once it answers again: seamless-agent status --run ${id} (75 until the restore has ended).`;
