// The CLI's plan → preflight journey on this machine, through the real agent: bad input is
// refused and writes nothing; a plan that cannot work is blocked with the reasons; preflight
// changes nothing on the host.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeamless } from '../helpers/run';
import { startDetached, workloadScript, type Started } from '../helpers/workloads';

let dir: string;
let smallStore: string;
let holder: Started<{ pid: number; child: number }>;

beforeAll(async () => {
  dir = mkdtempSync('/var/tmp/seamless-preflight-');
  smallStore = join(dir, 'small-store');
  execFileSync('mkdir', ['-p', smallStore]);
  // A 16 MiB filesystem: too small for a 64 MiB workload's images.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', smallStore]);
  holder = await startDetached<{ pid: number; child: number }>(workloadScript('holder.cjs'), ['64']);
  writeFileSync(join(dir, 'not-a-kernel'), '#!/bin/sh\necho this is not a kernel\n'.repeat(100));
});

afterAll(() => {
  holder?.kill();
  try {
    execFileSync('umount', [smallStore]);
  } catch {
    // not mounted
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('plan and preflight (CLI, real agent)', () => {
  it('lists the started workload in the inventory with its child', async () => {
    const { code, stdout } = await runSeamless(['inventory', '--local', '--json']);
    expect(code).toBe(0);
    const inv = JSON.parse(stdout) as { workloads: { id: string; pids: number[] }[] };
    const w = inv.workloads.find((x) => x.pids.includes(holder.info.pid))!;
    expect(w.pids).toContain(holder.info.child);
  });

  it('refuses a plan for a PID that exited, and writes nothing', async () => {
    const out = join(dir, 'gone.json');
    const { code, stderr } = await runSeamless([
      'plan',
      '--local',
      '--select',
      'pid:4194000',
      '--kernel',
      join(dir, 'not-a-kernel'),
      '--store',
      dir,
      '--out',
      out,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('WORKLOAD_NOT_FOUND');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a kernel release that is not in /boot', async () => {
    const { code, stderr } = await runSeamless([
      'plan',
      '--local',
      '--select',
      `pid:${holder.info.pid}`,
      '--kernel',
      '9.9.9-nope',
      '--store',
      dir,
      '--out',
      join(dir, 'k.json'),
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('KERNEL_NOT_FOUND');
  });

  it('blocks a plan whose kernel is not a kernel and whose store is too small, with reasons', async () => {
    const planFile = join(dir, 'plan.json');
    const made = await runSeamless([
      'plan',
      '--local',
      '--select',
      `pid:${holder.info.pid}`,
      '--kernel',
      join(dir, 'not-a-kernel'),
      '--store',
      smallStore,
      '--out',
      planFile,
    ]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(JSON.parse(readFileSync(planFile, 'utf8'))).toMatchObject({
      version: 1,
      workloads: [`pid:${holder.info.pid}`],
      store: { kind: 'dir', path: smallStore },
    });

    const before = execFileSync('ls', ['-la', smallStore], { encoding: 'utf8' });
    const { code, stdout } = await runSeamless(['preflight', '--plan', planFile, '--json']);
    expect(code).toBe(3); // preflight refused (the exit-code table in --help)
    const result = JSON.parse(stdout) as {
      canStart: boolean;
      findings: { id: string; severity: string; evidence: string }[];
      estimatedImageBytes: number;
    };
    expect(result.canStart).toBe(false);
    const blocks = result.findings.filter((f) => f.severity === 'block').map((f) => f.id);
    expect(blocks).toEqual(expect.arrayContaining(['kernel.not-a-kernel', 'store.too-small']));
    expect(result.estimatedImageBytes).toBeGreaterThan(64 * 1024 * 1024);
    // Read-only: nothing was written into the store.
    expect(execFileSync('ls', ['-la', smallStore], { encoding: 'utf8' })).toBe(before);

    const human = await runSeamless(['preflight', '--plan', planFile]);
    expect(human.stdout).toMatch(/BLOCK kernel\.not-a-kernel/);
    expect(human.stdout).toContain('The plan cannot start');
  });

  it('refuses a plan file that is not a plan', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: 1, host: 'local', workloads: [] }));
    const { code, stderr } = await runSeamless(['preflight', '--plan', bad]);
    expect(code).toBe(1);
    expect(stderr).toContain('PLAN_INVALID');
    writeFileSync(bad, JSON.stringify({ version: 7 }));
    expect((await runSeamless(['preflight', '--plan', bad])).stderr).toContain('version 7');
  });
});
