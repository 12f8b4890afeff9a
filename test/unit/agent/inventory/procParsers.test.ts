import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCgroup } from '../../../../agent/proc/cgroup';
import { parseCmdline, MAX_CMDLINE_BYTES } from '../../../../agent/proc/cmdline';
import { parsePasswd } from '../../../../agent/proc/passwd';
import { parseSmapsRollup } from '../../../../agent/proc/smapsRollup';
import { parseStat, PF_KTHREAD } from '../../../../agent/proc/stat';
import { parseStatus } from '../../../../agent/proc/status';

const fx = (dir: string, name: string) => readFileSync(join(__dirname, '../../../fixtures/proc', dir, name), 'utf8');

describe('parseStat', () => {
  it('reads a captured stat line (6.18)', () => {
    const s = parseStat(fx('host-6.18-cgv1', 'stat.pid1'))!;
    expect(s).toMatchObject({ pid: 1, comm: 'process_api', state: 'S', ppid: 0, numThreads: 13, startTicks: 24 });
    expect(s.flags & PF_KTHREAD).toBe(0);
  });

  it('survives a comm with spaces and parentheses', () => {
    const line = '4242 (evil) name (x)) R 1 4242 4242 34816 4242 4194304 1 0 0 0 0 0 0 0 20 0 3 0 12345 1000 10 18446744073709551615';
    expect(parseStat(line)).toMatchObject({
      pid: 4242,
      comm: 'evil) name (x)',
      state: 'R',
      ppid: 1,
      ttyNr: 34816,
      numThreads: 3,
      startTicks: 12345,
    });
  });

  it('flags kernel threads (PF_KTHREAD)', () => {
    const kthread = '2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 2 0 0 18446744073709551615';
    expect(parseStat(kthread)!.flags & PF_KTHREAD).not.toBe(0);
  });

  it('returns null for garbage', () => {
    expect(parseStat('')).toBeNull();
    expect(parseStat('12 (x')).toBeNull();
  });
});

describe('parseStatus', () => {
  it('reads uid, tracer, threads and the RSS split (6.18)', () => {
    expect(parseStatus(fx('host-6.18-cgv1', 'status.cat'))).toEqual({
      uid: 0,
      tracerPid: 0,
      threads: 1,
      swapBytes: 0,
      rssAnonBytes: 116 * 1024,
      rssFileBytes: 1616 * 1024,
      rssShmemBytes: 0,
    });
  });

  it('leaves the RSS split null for kernel threads (no Vm lines)', () => {
    expect(parseStatus('Name:\tkworker/0:1\nUid:\t0\t0\t0\t0\nThreads:\t1\nTracerPid:\t0\n').rssAnonBytes).toBeNull();
  });
});

describe('parseSmapsRollup', () => {
  it('reads a 6.x rollup with the PSS split', () => {
    expect(parseSmapsRollup(fx('host-6.18-cgv1', 'smaps_rollup.cat'))).toEqual({
      rss: 1752 * 1024,
      pss: 327 * 1024,
      anonymous: 112 * 1024,
      swap: 0,
      pssAnon: 112 * 1024,
      pssFile: 215 * 1024,
      pssShmem: 0,
    });
  });

  it('reads a pre-5.8 rollup (no Pss_Anon/File/Shmem lines; layout per Documentation/filesystems/proc.rst)', () => {
    const v5 =
      '00400000-7ffd0accc000 ---p 00000000 00:00 0 [rollup]\nRss:  2000 kB\nPss:  1000 kB\nShared_Clean: 0 kB\nAnonymous:  500 kB\nSwap:  10 kB\nSwapPss: 10 kB\nLocked: 0 kB\n';
    expect(parseSmapsRollup(v5)).toEqual({
      rss: 2000 * 1024,
      pss: 1000 * 1024,
      anonymous: 500 * 1024,
      swap: 10 * 1024,
      pssAnon: null,
      pssFile: null,
      pssShmem: null,
    });
  });
});

describe('parseCgroup', () => {
  it('reads a cgroup v1 (hybrid) file: name=systemd names the unit, memory has its own path', () => {
    expect(parseCgroup(fx('host-6.18-cgv1', 'cgroup.cat'))).toEqual({
      unit: '/',
      memory: { path: '/process_api/cd261ecf7be753e8763441ea4208e53f', version: 1 },
    });
  });

  it('reads a cgroup v2 file', () => {
    expect(parseCgroup('0::/system.slice/redis-server.service\n')).toEqual({
      unit: '/system.slice/redis-server.service',
      memory: { path: '/system.slice/redis-server.service', version: 2 },
    });
  });

  it('reads a v1 host whose systemd hierarchy names a service', () => {
    const text = '12:memory:/system.slice/nginx.service\n1:name=systemd:/system.slice/nginx.service\n0::/system.slice/nginx.service\n';
    expect(parseCgroup(text)).toEqual({ unit: '/system.slice/nginx.service', memory: { path: '/system.slice/nginx.service', version: 1 } });
  });
});

describe('parseCmdline', () => {
  it('splits NUL-separated argv', () => {
    expect(parseCmdline(Buffer.from('redis-server\u0000127.0.0.1:6379\u0000'))).toEqual({
      args: ['redis-server', '127.0.0.1:6379'],
      truncated: false,
    });
  });

  it('keeps newlines and replaces invalid UTF-8', () => {
    const raw = Buffer.concat([Buffer.from('a\nb\0'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('\0')]);
    expect(parseCmdline(raw).args).toEqual(['a\nb', '\uFFFD\uFFFDA']);
  });

  it('bounds a 1 MB command line and says so', () => {
    const raw = Buffer.alloc(1024 * 1024, 0x61);
    const out = parseCmdline(raw);
    expect(out.truncated).toBe(true);
    expect(out.args[0]!.length).toBe(MAX_CMDLINE_BYTES);
  });

  it('gives no args for a kernel thread or zombie (empty file)', () => {
    expect(parseCmdline(Buffer.alloc(0))).toEqual({ args: [], truncated: false });
  });
});

describe('parsePasswd', () => {
  it('maps uids to names and skips junk', () => {
    const users = parsePasswd('root:x:0:0:root:/root:/bin/bash\n# comment\nbroken\nredis:x:107:112::/var/lib/redis:/usr/sbin/nologin\n');
    expect(users.get(0)).toBe('root');
    expect(users.get(107)).toBe('redis');
    expect(users.size).toBe(2);
  });
});
