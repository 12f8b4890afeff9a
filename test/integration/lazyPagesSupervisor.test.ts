// The lazy-pages daemon's supervisor (agent/upgrade/lazyPages.ts) with real processes: a stand-in
// for `criu lazy-pages` (CRIU cannot restore on this machine's kernel; the lab runs the real one)
// that says ready on its status fd, then exits as told. A daemon that ends with anything but 0
// once the tree runs leaves it stopped (SIGSTOP); one that ends with 0 leaves it running; one
// that exits before it is ready is refused with its log, and stops nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitLazyEnd, LAZY_RUNNING, lazyLogCounts, startLazyPages } from '../../agent/upgrade/lazyPages';

const root = mkdtempSync(join(tmpdir(), 'seamless-lazy-'));
const bin = join(root, 'bin');
const children: ChildProcess[] = [];
let savedPath: string | undefined;

// $EXIT: the exit code; $READY=0: exit before saying ready. Writes a log as CRIU's -o would.
const FAKE_CRIU = `#!/bin/sh
dir="$3"
printf '(00.001) Error (criu/uffd.c:974): lazy-pages: 1-5: failed reading pages at 7f00\\n' > "$dir/lazy-pages.log"
printf '(00.002) uffd: 1-5: #PF at 0x7f0000\\n(00.003) uffd: 1-5: #PF at 0x7f1000\\n(00.004) uffd: 1-5: UFFD transferred pages: (300/300)\\n' >> "$dir/lazy-pages.log"
[ "$READY" = 0 ] && exit 1
printf '\\0' >&3
sleep 0.3
exit "$EXIT"
`;

const state = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0];

function tree(): number {
  const c = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(c);
  return c.pid!;
}

function imagesDir(name: string): string {
  const d = join(root, name, 'dump');
  mkdirSync(d, { recursive: true });
  return d;
}

beforeAll(() => {
  mkdirSync(bin);
  writeFileSync(join(bin, 'criu'), FAKE_CRIU);
  chmodSync(join(bin, 'criu'), 0o755);
  savedPath = process.env.PATH;
  process.env.PATH = `${bin}:${savedPath ?? ''}`;
});

afterAll(() => {
  process.env.PATH = savedPath;
  for (const c of children) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe('the lazy-pages supervisor', () => {
  it('stops the tree at once when the daemon dies before every page is back, then writes its status', async () => {
    process.env.EXIT = '137';
    process.env.READY = '1';
    const pid = tree();
    const dir = imagesDir('dies');
    expect(await startLazyPages({ dir, pids: [pid] })).toEqual({ ok: true });
    writeFileSync(join(dir, LAZY_RUNNING), ''); // the restore has continued the tree
    expect(state(pid)).toBe('S');
    const end = await awaitLazyEnd(dir, 10_000);
    expect(end?.code).toBe(137);
    expect(end?.endedAtMs).toBeGreaterThan(Date.now() - 10_000);
    expect(state(pid)).toBe('T');
    expect(lazyLogCounts(dir)).toEqual({ faults: 2, pages: 300 });
  });

  it('leaves the tree running when the daemon ends with every page back', async () => {
    process.env.EXIT = '0';
    process.env.READY = '1';
    const pid = tree();
    const dir = imagesDir('fills');
    expect(await startLazyPages({ dir, pids: [pid] })).toEqual({ ok: true });
    expect((await awaitLazyEnd(dir, 10_000))?.code).toBe(0);
    expect(state(pid)).toBe('S');
  });

  it('refuses a daemon that exits before it is ready, with its log', async () => {
    process.env.READY = '0';
    const pid = tree();
    const dir = imagesDir('never-ready');
    const r = await startLazyPages({ dir, pids: [pid] });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.evidence).toMatch(/exited .* before it was ready.*failed reading pages/s);
    // Not restored yet: its PIDs may be anyone's on this boot, so nothing is stopped.
    expect((await awaitLazyEnd(dir, 10_000))?.code).toBe(1);
    expect(state(pid)).toBe('S');
  });

  it('a daemon that dies before the tree runs: nothing stopped (the restore stops the tree itself when it sees the status)', async () => {
    process.env.EXIT = '1';
    process.env.READY = '1';
    const pid = tree();
    const dir = imagesDir('dies-early');
    expect(await startLazyPages({ dir, pids: [pid] })).toEqual({ ok: true });
    expect((await awaitLazyEnd(dir, 10_000))?.code).toBe(1);
    expect(state(pid)).toBe('S');
  });
});
