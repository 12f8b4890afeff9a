// Why: the freeze, the thaw and the commit act on real processes: trees stopped together (as the
// checkpoint does, and as --leave-stopped leaves them) must run again after thaw(), every task of
// a tree must be gone after killStopped() and awaitGone(), and the dump order must put the TCP carriers (which
// cannot be thawed) last.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import {
  awaitGone,
  dumpOrder,
  finalState,
  isStopped,
  killStopped,
  stopTogether,
  thaw,
  thawable,
} from '../../../../agent/upgrade/dumpedTasks';
import { treePids } from '../../../../agent/proc/processTree';
import { parseStat } from '../../../../agent/proc/stat';
import { readFileSync } from 'node:fs';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill('SIGKILL');
});

/** A shell with two sleeping children: a small tree. */
async function tree(): Promise<number> {
  const c = spawn('sh', ['-c', 'sleep 1000 & sleep 1000 & wait'], { stdio: 'ignore' });
  started.push(c);
  for (let i = 0; i < 100 && treePids(c.pid!).length < 3; i++) await new Promise((r) => setTimeout(r, 20));
  expect(treePids(c.pid!)).toHaveLength(3);
  return c.pid!;
}

const states = (pids: number[]) => pids.map((p) => parseStat(readFileSync(`/proc/${p}/stat`, 'utf8'))?.state);

describe('dumped tasks: thaw and commit', () => {
  it('orders the thawable workloads first and stops only those', () => {
    const plain = { selector: 'pid:1', criuOptions: ['--shell-job'] };
    const tcp = { selector: 'pid:2', criuOptions: ['--tcp-established'] };
    const other = { selector: 'pid:3', criuOptions: [] };
    expect(dumpOrder([tcp, plain, other]).map((w) => w.selector)).toEqual(['pid:1', 'pid:3', 'pid:2']);
    expect(thawable(tcp)).toBe(false);
    expect(finalState(plain)).toEqual(['--leave-stopped']);
    expect(finalState(tcp)).toEqual([]);
  });

  it('stopTogether() stops every task of several trees, thaw() continues them all', async () => {
    const roots = [await tree(), await tree()];
    const pids = roots.flatMap((r) => treePids(r));
    expect(pids.some(isStopped)).toBe(false);
    expect(stopTogether(roots.map((rootPid) => ({ rootPid })))).toBe(6);
    for (let i = 0; i < 50 && !pids.every(isStopped); i++) await new Promise((r) => setTimeout(r, 20));
    expect(pids.every(isStopped)).toBe(true);
    expect(thaw(roots.map((rootPid) => ({ rootPid })))).toBe(6);
    for (let i = 0; i < 50 && pids.some(isStopped); i++) await new Promise((r) => setTimeout(r, 20));
    expect(states(pids).filter((s) => s !== 'S' && s !== 'R')).toEqual([]);
  });

  it('killStopped() kills every task of a stopped tree and names them; awaitGone() waits until their PIDs are free', async () => {
    const root = await tree();
    const pids = treePids(root);
    for (const p of pids) process.kill(p, 'SIGSTOP');
    expect(killStopped([{ rootPid: root }]).sort()).toEqual([...pids].sort());
    // The parent (this test) reaps the root; the children are reaped by init.
    expect(await awaitGone(pids, 5000)).toEqual([]);
    expect(pids.every((p) => !isStopped(p))).toBe(true);
  });

  it('awaitGone() gives up at its deadline and names the PIDs still there', async () => {
    const root = await tree();
    const pids = treePids(root);
    const t0 = Date.now();
    expect((await awaitGone(pids, 200)).sort()).toEqual([...pids].sort());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
  });
});
