// Footprints measured by the real agent (bundled, over the real protocol) on real processes
// with known memory: ~200 MiB of written anonymous memory with a child, and a 64 MiB file read
// into the page cache. Each figure must be within 10% of what the workload holds.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentBundle } from '../../electron/controller/agentBundle';
import { startLocalAgent, type StartedAgent } from '../../electron/controller/localAgent';
import { startDetached, startDetachedCommand, workloadScript, type Started } from '../helpers/workloads';

const MiB = 1024 * 1024;
let agent: StartedAgent;
let holder: Started<{ pid: number; child: number }>;
let baseline: Started<{ pid: number; child: number }>;
let reader: Started<{ pid: number; read: number }>;
let dir: string;
let file: string;
let residentBefore: number;

beforeAll(async () => {
  // On disk, not tmpfs: page cache, not shmem.
  dir = mkdtempSync('/var/tmp/seamless-footprint-');
  file = join(dir, 'data.bin');
  writeFileSync(file, Buffer.alloc(64 * MiB, 0x42));
  // Dirty pages cannot be dropped: write them back first.
  const fd = openSync(file, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  // Drop this file's pages from the cache (POSIX_FADV_DONTNEED over the whole file), so the
  // reader is what brings them in.
  execFileSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0'], { stdio: 'ignore' });
  residentBefore = Number(execFileSync('fincore', ['--bytes', '--noheadings', '-o', 'RES', file], { encoding: 'utf8' }).trim());
  [holder, baseline, reader] = await Promise.all([
    startDetached<{ pid: number; child: number }>(workloadScript('holder.cjs'), ['200']),
    startDetached<{ pid: number; child: number }>(workloadScript('holder.cjs'), ['0']),
    startDetached<{ pid: number; read: number }>(workloadScript('reader.cjs'), [file]),
  ]);
  agent = await startLocalAgent(loadAgentBundle(), 'footprint-test');
});

afterAll(async () => {
  holder?.kill();
  baseline?.kill();
  reader?.kill();
  await agent?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('footprints of real workloads', () => {
  it('sees ~200 MiB of anonymous memory in the holder tree, with its child', async () => {
    const inv = await agent.connection.call('inventory.list', { details: 'all' });
    const tree = inv.workloads.find((w) => w.pids.includes(holder.info.pid))!;
    expect(tree).toBeDefined();
    expect(tree.pids).toContain(holder.info.child);
    const proc = (pid: number) => inv.processes.find((p) => p.pid === pid)!;
    // The holder's own anonymous memory, minus what the same program holds with 0 MiB.
    const anon = proc(holder.info.pid).memory!.anonBytes - proc(baseline.info.pid).memory!.anonBytes;
    console.log(`holder anon above baseline: ${(anon / MiB).toFixed(1)} MiB (expected 200)`);
    expect(anon).toBeGreaterThan(180 * MiB);
    expect(anon).toBeLessThan(220 * MiB);
    expect(proc(holder.info.pid).memory!.pssBytes).toBeGreaterThan(200 * MiB);
  });

  it('sees the 64 MiB file the reader pulled into the page cache', async () => {
    // The cache was dropped before the reader ran, so what is resident now is the reader's doing.
    expect(residentBefore).toBeLessThan(8 * MiB);
    const files = await agent.connection.call('footprint.files', { pids: [reader.info.pid] });
    const data = files.find((f) => f.path === file)!;
    expect(data).toBeDefined();
    console.log(
      `reader file resident: ${((data.residentBytes ?? 0) / MiB).toFixed(1)} MiB of ${((data.sizeBytes ?? 0) / MiB).toFixed(1)} MiB`,
    );
    expect(data.sizeBytes).toBe(64 * MiB);
    expect(data.residentBytes).toBeGreaterThan(0.9 * 64 * MiB);
    expect(data.residentBytes).toBeLessThanOrEqual(64 * MiB);
  });

  it('never opens a file under a write lease: its holder lives, and the file is reported as not opened', async () => {
    const leased = join(dir, 'leased.dat');
    writeFileSync(leased, 'held\n');
    const lessee = await startDetachedCommand<{ pid: number }>(['perl', workloadScript('lease-holder.pl'), leased]);
    try {
      expect(readFileSync('/proc/locks', 'utf8')).toMatch(new RegExp(`LEASE\\s+ACTIVE\\s+WRITE\\s+${lessee.info.pid}\\s`));
      const files = await agent.connection.call('footprint.files', { pids: [lessee.info.pid] });
      const row = files.find((f) => f.path === leased);
      expect(row).toMatchObject({ residentBytes: null, unknownReason: expect.stringContaining(`lease held by pid ${lessee.info.pid}`) });
      // Opening the file would have sent SIGIO (default action: terminate) within a moment.
      await new Promise((r) => setTimeout(r, 300));
      expect(existsSync(`/proc/${lessee.info.pid}`)).toBe(true);
      expect(readFileSync(`/proc/${lessee.info.pid}/status`, 'utf8')).not.toMatch(/^State:\s+Z/m);
      // The lease is still held, not broken.
      expect(readFileSync('/proc/locks', 'utf8')).toMatch(new RegExp(`LEASE\\s+ACTIVE\\s+WRITE\\s+${lessee.info.pid}\\s`));
    } finally {
      lessee.kill();
    }
  });

  it('reports the host-wide dirty and writeback page cache', async () => {
    const inv = await agent.connection.call('inventory.list', {});
    expect(inv.host.dirtyBytes).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(inv.host.writebackBytes)).toBe(true);
  });
});
