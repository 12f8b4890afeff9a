// Fault case through the CLI: `seamless plan` then `seamless upgrade` against the lab, and the
// SSH link is killed in every phase before the jump (prepare, stage, pre-dump, the checkpoint;
// the kexec itself is the last cut). The upgrade runs on the host by itself and
// completes; the CLI reconnects each time, re-attaches to the journal, follows it across the kexec
// and exits 0 because the workload runs on the new kernel with its PIDs. (The restore runs before
// sshd starts on the new boot: no link to cut there.)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labExec, labUp, LAB_KERNELS } from '../lab/lab.js';
import { runSeamless, seamlessBin } from '../helpers/run';
import type { Report } from '../../shared/report/model';

let keeper: number;
/** The phases before the jump that last long enough on the lab (≥ 1 s) for a cut to land in each (pre-sync: 60 ms). */
const CUT_PHASES = ['prepare', 'stage', 'pre-dump', 'checkpoint'];
let child: number;

async function guest(cmd: string): Promise<string> {
  const r = await labExec(cmd, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`guest: ${cmd} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

beforeAll(async () => {
  await labDown();
  await labUp({ log: (l) => console.log(`[lab] ${l}`) });
  keeper = Number(await guest('lab-memload-tree 64M'));
  child = Number(await guest(`cat /proc/${keeper}/task/${keeper}/children`));
}, 20 * 60_000);

afterAll(async () => {
  await labDown();
}, 5 * 60_000);

describe('seamless upgrade survives the SSH link dying in every phase', () => {
  it('re-attaches and exits 0 with the workload on the new kernel', async () => {
    const planFile = join(mkdtempSync(join(tmpdir(), 'seamless-lab-plan-')), 'plan.json');
    const made = await runSeamless([
      'plan',
      '--host',
      'lab',
      '--select',
      `pid:${keeper}`,
      '--kernel',
      LAB_KERNELS.target,
      '--out',
      planFile,
    ]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);

    const cli = spawn(process.execPath, [seamlessBin, 'upgrade', '--plan', planFile, '--json']);
    let out = '';
    let consumed = 0;
    let watching: Promise<unknown> | null = null;
    cli.stderr.on('data', (c: Buffer) => process.stderr.write(c));
    cli.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const complete = out.split('\n').slice(0, -1);
      for (const line of complete.slice(consumed)) {
        if (!line.startsWith('{')) continue;
        const e = JSON.parse(line) as { event: string; id?: string };
        if (!watching && e.event === 'started' && e.id) {
          // In the guest: as each phase becomes the journal's latest, cut every root SSH session
          // (the CLI's included), and note the cut. (`^`: not this watcher, whose own command line names it.)
          const j = `/var/lib/seamless/upgrades/${e.id}/journal.jsonl`;
          watching = labExec(
            `rm -f /var/lib/lab-cuts; nohup setsid sh -c 'for p in ${CUT_PHASES.join(' ')}; do for i in $(seq 6000); do tail -n 1 ${j} | grep -q "^{\\"phase\\":\\"$p\\"" && { echo $p >> /var/lib/lab-cuts; pkill -KILL -f "^sshd: root@notty"; break; }; sleep 0.02; done; done' >/dev/null 2>&1 < /dev/null &`,
            { timeoutMs: 30_000 },
          ).catch(() => undefined);
        }
      }
      consumed = complete.length;
    });
    const code = await new Promise<number | null>((resolve) => cli.on('close', resolve));
    const lines = out
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    const last = JSON.parse(lines.at(-1)!) as { event: string; id: string; outcome: string; summary: { state: string } };
    expect(watching).not.toBeNull();
    expect(last).toMatchObject({ event: 'summary', outcome: 'restored', summary: { state: 'ended', outcome: 'restored' } });
    expect(code).toBe(0);
    expect(await guest('uname -r')).toBe(LAB_KERNELS.target);
    expect(Number(await guest(`cat /proc/${keeper}/task/${keeper}/children`))).toBe(child);
    // Every cut landed in its phase (the jump's sync kept the guest's note of them).
    expect((await guest('cat /var/lib/lab-cuts')).split('\n')).toEqual(CUT_PHASES);
    expect(JSON.parse(await guest(`lab-memload-status ${child}`))).toMatchObject({ ok: true });

    // The report of that very upgrade: the promise journaled at the start beside what was measured.
    const upgradeId = last.id;
    const dir = mkdtempSync(join(tmpdir(), 'seamless-lab-report-'));
    const asJson = await runSeamless(['report', '--host', 'lab', '--id', upgradeId, '--format', 'json', '--out', join(dir, 'r.json')]);
    expect(asJson.stderr).toBe('');
    expect(asJson.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Report;
    console.log(`report of ${upgradeId}: ${JSON.stringify({ blackout: report.blackout, phases: report.phases }, null, 2)}`);
    expect(report).toMatchObject({ upgradeId, outcome: 'restored', kernels: { before: LAB_KERNELS.boot, after: LAB_KERNELS.target } });
    expect(report.blackout.estimate).not.toBeNull();
    expect(report.blackout.measuredMs).toBeGreaterThan(0);
    const phase = (p: string) => report.phases.find((x) => x.phase === p)!;
    for (const p of ['freeze-dump', 'kexec-jump', 'kernel-boot', 'userspace-to-hook', 'image-check', 'restore'])
      expect({ p, measured: phase(p).measuredMs !== null, promised: phase(p).estimate !== null }).toEqual({
        p,
        measured: true,
        promised: true,
      });
    expect(report.workloads).toEqual([
      expect.objectContaining({ selector: `pid:${keeper}`, after: expect.objectContaining({ restored: true }) }),
    ]);
    const asMd = await runSeamless(['report', '--host', 'lab', '--format', 'md', '--out', join(dir, 'r.md')]);
    expect(asMd.code).toBe(0);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toContain(`# Kernel upgrade ${upgradeId}`);
  });
});
