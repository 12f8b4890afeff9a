// Fault case through the CLI: `seamless plan` then `seamless upgrade` against the lab, and the
// SSH link is killed in the middle of the checkpoint. The upgrade runs on the host by itself and
// completes; the CLI reconnects, re-attaches to the journal, follows it across the kexec and
// exits 0 because the workload runs on the new kernel with its PIDs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labExec, labUp, LAB_KERNELS } from '../lab/lab.js';
import { runSeamless, seamlessBin } from '../helpers/run';
import type { Report } from '../../shared/report/model';

let keeper: number;
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

describe('seamless upgrade survives the SSH link dying during the checkpoint', () => {
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
    let killed = false;
    cli.stderr.on('data', (c: Buffer) => process.stderr.write(c));
    cli.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const complete = out.split('\n').slice(0, -1);
      for (const line of complete.slice(consumed)) {
        if (!line.startsWith('{')) continue;
        const e = JSON.parse(line) as { event: string; record?: { phase: string; state: string } };
        if (!killed && e.record?.phase === 'checkpoint' && e.record.state === 'begin') {
          killed = true;
          // Cut every root SSH session on the guest (the CLI's included) while it freezes.
          void labExec("pkill -KILL -f 'sshd: root@notty' || true", { timeoutMs: 30_000 }).catch(() => undefined);
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
    expect(killed).toBe(true);
    expect(last).toMatchObject({ event: 'summary', outcome: 'restored', summary: { state: 'ended', outcome: 'restored' } });
    expect(code).toBe(0);
    expect(await guest('uname -r')).toBe(LAB_KERNELS.target);
    expect(Number(await guest(`cat /proc/${keeper}/task/${keeper}/children`))).toBe(child);
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
