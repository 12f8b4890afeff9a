// The dry run on this machine through the CLI and the real agent: CRIU cannot run on this kernel,
// so preflight blocks and no workload is pre-dumped, but calibration really measures (a store
// directory, the root disk, sha256), the estimate says which inputs it measured, everything
// written is removed, and the workload is untouched.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeamless } from '../helpers/run';
import { startDetached, workloadScript, type Started } from '../helpers/workloads';
import type { ApiResult } from '../../shared/api';

let dir: string;
let holder: Started<{ pid: number; child: number }>;
let planFile: string;

beforeAll(async () => {
  dir = mkdtempSync('/var/tmp/seamless-dryrun-');
  holder = await startDetached<{ pid: number; child: number }>(workloadScript('holder.cjs'), ['32']);
  writeFileSync(join(dir, 'not-a-kernel'), 'not a kernel\n'.repeat(100));
  planFile = join(dir, 'plan.json');
  const made = await runSeamless([
    'plan',
    '--local',
    '--select',
    `pid:${holder.info.pid}`,
    '--kernel',
    join(dir, 'not-a-kernel'),
    '--store',
    join(dir, 'store'),
    '--out',
    planFile,
  ]);
  expect(made.code).toBe(0);
});
afterAll(() => {
  holder?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('seamless dry-run (this machine)', () => {
  it('measures the store, the disk and sha256, removes what it wrote, and leaves the workload alone', async () => {
    const before = readdirSync(dir).sort();
    const { code, stdout, stderr } = await runSeamless(['dry-run', '--plan', planFile, '--json']);
    expect(stderr).toContain('Dry run on local');
    expect(code).toBe(3); // preflight blocks (no CRIU here, not a kernel): exit as `preflight` does
    const r = JSON.parse(stdout) as ApiResult<'host.dryRun'>;
    expect(r.measures.preflight.canStart).toBe(false);
    const c = r.measures.calibration;
    expect(c.store).toMatchObject({ kind: 'dir', where: dir });
    expect(c.store.writeBytesPerS).toBeGreaterThan(1e6);
    expect(c.store.readBytesPerS).toBeGreaterThan(1e6);
    expect(c.store.testBytes).toBeGreaterThan(0);
    expect(c.flush.bytesPerS).toBeGreaterThan(1e5);
    expect(c.hashBytesPerS).toBeGreaterThan(1e6);
    expect(r.measures.trials).toEqual([]);
    expect(r.measures.notes.join(' ')).toContain('Preflight blocks this plan');
    // what it wrote is named, and gone
    expect(r.measures.removed.length).toBeGreaterThanOrEqual(2);
    for (const p of r.measures.removed) expect(existsSync(p), p).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(before);
    // the estimate after it uses the measured store and hash rates
    expect(r.estimate.defaults).not.toContain('store write bandwidth');
    expect(r.estimate.defaults).not.toContain('sha256 rate');
    expect(r.estimateBefore.blackout.lowMs).toBeLessThanOrEqual(r.estimateBefore.blackout.highMs);
    // the workload was not touched
    expect(existsSync(`/proc/${holder.info.pid}`)).toBe(true);
    expect(existsSync(`/proc/${holder.info.child}`)).toBe(true);
  });

  it('prints the estimate before and after, in words, without --json', async () => {
    const { stdout } = await runSeamless(['dry-run', '--plan', planFile]);
    expect(stdout).toMatch(/^phase\s+before the dry run\s+after the dry run$/m);
    expect(stdout).toMatch(/^Blackout \(\* phases\)\s+\S/m);
    expect(stdout).toContain('Nothing was staged or kexeced.');
  });
});
