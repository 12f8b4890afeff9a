// The scanner against a /proc-shaped tree built from captured texts plus hostile cases:
// a process that vanished between listing and reading, a file that cannot be read, a 1 MB
// command line with newlines and invalid UTF-8, and a kernel thread.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanProcesses } from '../../../../agent/inventory/scanProcesses';
import { listInventory, listInventoryJson } from '../../../../agent/inventory/inventory';
import { inventorySchema } from '../../../../shared/domain/inventory';

const fx = (name: string) => readFileSync(join(__dirname, '../../../fixtures/proc/host-6.18-cgv1', name));

function fakeProc(): string {
  const root = mkdtempSync(join(tmpdir(), 'fakeproc-'));
  writeFileSync(join(root, 'stat'), 'cpu 1 2 3\nbtime 1700000000\n');
  writeFileSync(join(root, 'meminfo'), 'MemTotal: 1000 kB\nDirty:  2048 kB\nWriteback: 4 kB\n');
  const add = (pid: number, files: Record<string, string | Buffer>, fds = 3) => {
    const d = join(root, String(pid));
    mkdirSync(join(d, 'fd'), { recursive: true });
    mkdirSync(join(d, 'ns'));
    for (const [name, body] of Object.entries(files)) writeFileSync(join(d, name), body);
    for (const ns of ['pid', 'mnt', 'net', 'user']) symlinkSync(`${ns}:[4026531836]`, join(d, 'ns', ns));
    for (let i = 0; i < fds; i++) symlinkSync('/dev/null', join(d, 'fd', String(i)));
  };
  const status = fx('status.cat');
  // A normal process, from captured texts.
  add(10, {
    stat: '10 (cat) S 1 10 10 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 500 0 0 0',
    status,
    cmdline: 'cat\0/etc/hosts\0',
    cgroup: '0::/system.slice/demo.service\n',
    smaps_rollup: fx('smaps_rollup.cat'),
    maps: 'a\nb\nc\n',
  });
  // Hostile command line: 1 MB, with newlines and invalid UTF-8.
  const hostile = Buffer.concat([Buffer.from('evil\n\0'), Buffer.from([0xc3, 0x28]), Buffer.alloc(1024 * 1024, 0x41), Buffer.from('\0')]);
  add(11, {
    stat: '11 (ev)il) R 10 11 11 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 600 0 0 0',
    status,
    cmdline: hostile,
    cgroup: '0::/system.slice/demo.service\n',
    smaps_rollup: fx('smaps_rollup.cat'),
    maps: '',
  });
  // Listed but gone: the directory exists, its files do not (exited mid-scan).
  mkdirSync(join(root, '12'));
  // A kernel thread.
  add(
    13,
    {
      stat: '13 (kworker/0:1) I 2 0 0 0 -1 69238880 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0 0',
      status: 'Name:\tkworker\nUid:\t0\t0\t0\t0\nThreads:\t1\n',
      cgroup: '0::/\n',
    },
    0,
  );
  // smaps_rollup unreadable (a directory stands where the file should be).
  add(14, {
    stat: '14 (locked) S 1 14 14 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 700 0 0 0',
    status,
    cmdline: 'locked\0',
    cgroup: '0::/\n',
    maps: 'x\n',
  });
  mkdirSync(join(root, '14', 'smaps_rollup'));
  return root;
}

describe('scanProcesses', () => {
  const root = fakeProc();
  const { processes, problems } = scanProcesses({ procRoot: root, users: new Map([[0, 'root']]) });
  const byPid = new Map(processes.map((p) => [p.info.pid, p.info]));

  it('lists what exists and silently skips a process that exited mid-scan', () => {
    expect([...byPid.keys()]).toEqual([10, 11, 13, 14]);
    expect(problems.filter((p) => p.pid === 12)).toEqual([]);
  });

  it('reads a process fully', () => {
    expect(byPid.get(10)).toMatchObject({
      ppid: 1,
      comm: 'cat',
      cmdline: ['cat', '/etc/hosts'],
      user: 'root',
      startTime: 1700000005,
      cgroup: '/system.slice/demo.service',
      namespaces: { pid: '4026531836', mnt: '4026531836', net: '4026531836', user: '4026531836' },
      mappings: 3,
      openFds: 3,
      kernelThread: false,
      memory: { rssBytes: 1752 * 1024, pssBytes: 327 * 1024, anonBytes: 116 * 1024, fileBytes: 1616 * 1024, shmemBytes: 0, swapBytes: 0 },
    });
  });

  it('keeps a hostile command line bounded and intact in meaning', () => {
    const p = byPid.get(11)!;
    expect(p.comm).toBe('ev)il');
    expect(p.cmdline[0]).toBe('evil\n');
    expect(p.cmdline[1]!.startsWith('\uFFFD(AAAA')).toBe(true);
    expect(p.cmdlineTruncated).toBe(true);
    expect(JSON.parse(JSON.stringify(p)).cmdline).toEqual(p.cmdline);
  });

  it('marks kernel threads and reads nothing else of them', () => {
    expect(byPid.get(13)).toMatchObject({ kernelThread: true, memory: null, cmdline: [] });
  });

  it('records an unreadable file as a problem and still lists the process', () => {
    expect(problems).toContainEqual({ pid: 14, what: 'smaps_rollup', reason: 'EISDIR' });
    // Without smaps_rollup PSS is unknown, not guessed; RSS comes from status.
    expect(byPid.get(14)!.memory).toMatchObject({ anonBytes: 116 * 1024, pssBytes: null, rssBytes: (116 + 1616) * 1024 });
  });

  it('skips the costly reads for processes not asked for', () => {
    const basic = scanProcesses({ procRoot: root, details: new Set([10]) });
    const p10 = basic.processes.find((p) => p.info.pid === 10)!.info;
    const p11 = basic.processes.find((p) => p.info.pid === 11)!.info;
    expect(p10).toMatchObject({ mappings: 3, openFds: 3, memory: { pssBytes: 327 * 1024 } });
    expect(p11).toMatchObject({
      mappings: null,
      openFds: null,
      namespaces: { pid: null },
      memory: { pssBytes: null, anonBytes: 116 * 1024 },
    });
    expect(p11.cmdline[0]).toBe('evil\n');
  });

  it('gives a whole inventory over the same tree', () => {
    const inv = listInventory({ procRoot: root, cgroupRoot: join(root, 'nosys'), passwdPath: '/nonexistent' });
    expect(inv.host).toEqual({ dirtyBytes: 2048 * 1024, writebackBytes: 4096 });
    const demo = inv.workloads.find((w) => w.id === 'unit:demo.service')!;
    expect(demo.pids).toEqual([10, 11]);
    expect(demo.pageCache).toMatchObject({ known: false, reason: expect.stringContaining('not readable') });
    expect(inv.workloads.find((w) => w.id === 'pid:14')).toBeDefined();
  });

  it('gives the same inventory pre-serialized, in pieces that make one valid answer', () => {
    const opts = { procRoot: root, cgroupRoot: join(root, 'nosys'), passwdPath: '/nonexistent' };
    const objects = listInventory(opts);
    const chunks = [...listInventoryJson(opts).chunks()];
    const parsed = inventorySchema.parse(JSON.parse(chunks.join('')));
    expect({ ...parsed, scannedAt: 0 }).toEqual({ ...objects, scannedAt: 0 });
    expect(parsed.processes.map((p) => p.pid)).toEqual([...parsed.processes.map((p) => p.pid)].sort((a, b) => a - b));
  });
});

describe('scanProcesses on this machine', () => {
  it('reads the live /proc, including itself', () => {
    const { processes } = scanProcesses();
    const me = processes.find((p) => p.info.pid === process.pid)!.info;
    expect(me.ppid).toBe(process.ppid);
    expect(me.cmdline.length).toBeGreaterThan(0);
    expect(me.memory!.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(me.openFds).toBeGreaterThan(2);
    expect(Math.abs(me.startTime - (Date.now() / 1000 - process.uptime()))).toBeLessThan(5);
  });
});
