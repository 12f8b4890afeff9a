import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkKernelImage, parseKernelConfig } from '../../../../agent/preflight/kernelImage';
import {
  fsTypeAt,
  isFuse,
  isMemoryFs,
  parseMountinfo,
  parseSsUnix,
  connectedTcpInodes,
  parseSsTcp,
} from '../../../../agent/preflight/netTables';
import { parseMaps } from '../../../../agent/preflight/procMaps';
import { deviceKey, leasedFiles, parseLocks } from '../../../../agent/proc/locks';
import { memmapReservations, newKernelCmdline } from '../../../../agent/preflight/cmdline';
import { pairBootFiles } from '../../../../agent/facts/bootKernels';
import { maxJournalPid, parseStartupFinished, STARTUP_FINISHED_ID } from '../../../../agent/facts/bootTimes';
import { parsePmemRegions } from '../../../../agent/facts/iomem';
import {
  criuCheckPassed,
  parseCriuVersion,
  parseKexecVersion,
  parseLockdown,
  parseSystemdVersion,
} from '../../../../agent/facts/toolVersions';

const fx = (name: string) => readFileSync(join(__dirname, '../../../fixtures/proc/host-6.18-cgv1', name), 'utf8');

describe('checkKernelImage', () => {
  it('accepts a bzImage header and reads its release string', () => {
    const head = new Uint8Array(0x1000);
    head.set(
      [...'HdrS'].map((c) => c.charCodeAt(0)),
      0x202,
    );
    head[0x20e] = 0x00;
    head[0x20f] = 0x02; // string at 0x200 + 0x200
    head.set(
      [...'6.1.0-50-amd64 (debian-kernel@lists.debian.org) #1'].map((c) => c.charCodeAt(0)),
      0x400,
    );
    expect(checkKernelImage(head)).toEqual({ ok: true, format: 'bzImage', release: '6.1.0-50-amd64' });
  });

  it('refuses something that is not a kernel', () => {
    expect(checkKernelImage(new TextEncoder().encode('#!/bin/sh\necho hi\n'.padEnd(0x300, ' ')))).toMatchObject({ ok: false });
    expect(checkKernelImage(new Uint8Array(10))).toMatchObject({ ok: false, reason: expect.stringContaining('10 bytes') });
  });
});

describe('parseKernelConfig', () => {
  it('reads y/m/string values and ignores "is not set"', () => {
    const c = parseKernelConfig('CONFIG_CHECKPOINT_RESTORE=y\nCONFIG_BLK_DEV_PMEM=m\n# CONFIG_FOO is not set\nCONFIG_LOCALVERSION=""\n');
    expect(c.get('CONFIG_CHECKPOINT_RESTORE')).toBe('y');
    expect(c.get('CONFIG_BLK_DEV_PMEM')).toBe('m');
    expect(c.has('CONFIG_FOO')).toBe(false);
  });
});

describe('kernel tables', () => {
  it('finds ESTABLISHED TCP sockets', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   107        0 21874 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:18EB 0100007F:C5D2 01 00000000:00000000 00:00000000 00000000   107        0 23001 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    expect([...connectedTcpInodes(tcp).established]).toEqual([23001]);
    expect(connectedTcpInodes(fx('net-tcp')).established.size).toBeGreaterThanOrEqual(0);
  });

  it('reads captured `ss -xpnaH` rows with inode, peer and pids', () => {
    const text = fx('ss-xpnaH');
    const rows = parseSsUnix(text);
    expect(rows).toHaveLength(text.split('\n').filter((l) => l.startsWith('u_')).length);
    expect(rows[0]).toMatchObject({ inode: 1443, peerInode: 1444, pids: [] });
    // Rows seen on this machine while a node process ran (with the users column):
    const seen = [
      'u_str ESTAB  0      0                         * 110927 * 110928 users:(("node",pid=5113,fd=19))                    ',
      'u_str LISTEN 0      511    /tmp/tsx-0/5102.pipe 110455 * 0      users:(("node",pid=5102,fd=18))                    ',
    ].join('\n');
    expect(parseSsUnix(seen)).toEqual([
      { type: 'stream', path: null, inode: 110927, peerInode: 110928, pids: [5113] },
      { type: 'stream', path: '/tmp/tsx-0/5102.pipe', inode: 110455, peerInode: null, pids: [5102] },
    ]);
    // Captured in the lab guest: redis-server's stdout/stderr stream and journald's end of it.
    const lab = [
      'u_str ESTAB 0      0                                 * 22305            * 22306 users:(("redis-server",pid=1412,fd=2),("redis-server",pid=1412,fd=1))',
      'u_str ESTAB 0      0       /run/systemd/journal/stdout 22306            * 22305 users:(("systemd-journal",pid=191,fd=22),("systemd",pid=1,fd=36))',
      'u_dgr ESTAB 0      0                                 * 14442            * 14443 users:(("systemd-network",pid=221,fd=14))',
    ].join('\n');
    expect(parseSsUnix(lab)).toEqual([
      { type: 'stream', path: null, inode: 22305, peerInode: 22306, pids: [1412, 1412] },
      { type: 'stream', path: '/run/systemd/journal/stdout', inode: 22306, peerInode: 22305, pids: [191, 1] },
      { type: 'dgram', path: null, inode: 14442, peerInode: 14443, pids: [221] },
    ]);
  });

  it('reads a named socket whose path has spaces', () => {
    expect(parseSsUnix('u_str ESTAB 0 0 /run/my app.sock 4242 * 4243 users:(("app",pid=7,fd=3))')).toEqual([
      { type: 'stream', path: '/run/my app.sock', inode: 4242, peerInode: 4243, pids: [7] },
    ]);
  });

  it('reads /proc/locks, skipping OFD locks (no owner) and blocked waiters', () => {
    expect(parseLocks(fx('locks'))).toEqual(expect.any(Array));
    const text =
      '1: POSIX  ADVISORY  WRITE 1234 08:01:131 0 EOF\n1: -> POSIX  ADVISORY  WRITE 999 08:01:131 0 EOF\n2: OFDLCK ADVISORY  READ -1 fe:00:1540374 203 203\n3: FLOCK  ADVISORY  WRITE 55 00:1a:7 0 EOF\n';
    expect(parseLocks(text)).toEqual([
      { pid: 1234, file: '08:01:131', type: 'POSIX', access: 'WRITE' },
      { pid: 55, file: '00:1a:7', type: 'FLOCK', access: 'WRITE' },
    ]);
  });

  it('finds leased files by device and inode, the way stat(2) numbers them', () => {
    // Captured from a host: a write lease (fcntl F_SETLEASE F_WRLCK) on fe:01 inode 2621553, a POSIX lock beside it.
    const text =
      '1: LEASE  ACTIVE    WRITE 4242 fe:01:2621553 0 EOF\n2: POSIX  ADVISORY  WRITE 77 fe:01:99 0 EOF\n3: DELEG  ACTIVE    READ  12 103:05:7 0 EOF\n';
    const leased = leasedFiles(parseLocks(text));
    expect([...leased.keys()]).toEqual(['254:1:2621553', '259:5:7']);
    expect(leased.get('254:1:2621553')).toEqual({ pid: 4242, access: 'WRITE', type: 'LEASE' });
    // dev_t 0xfe01 (major 254, minor 1), and a large minor split across both halves of dev_t.
    expect(deviceKey(0xfe01n, 2621553n)).toBe('254:1:2621553');
    expect(deviceKey((259n << 8n) | 5n, 7n)).toBe('259:5:7');
    // glibc's makedev(): the low 12 bits of major at 8, the rest at 32; the low 8 bits of minor at 0, the rest at 12.
    const makedev = (maj: bigint, min: bigint) =>
      ((maj & 0xfffn) << 8n) | ((maj & ~0xfffn) << 32n) | (min & 0xffn) | ((min & ~0xffn) << 12n);
    expect(deviceKey(makedev(4097n, 0x12345n), 1n)).toBe('4097:74565:1');
  });

  it('reads mountinfo and tells which filesystem a path lives on (the longest mount point wins)', () => {
    const captured = parseMountinfo(fx('mountinfo.cat'));
    expect(captured.length).toBeGreaterThan(3);
    expect(captured.some((m) => isFuse(m.fstype))).toBe(false);
    const mounts = parseMountinfo(
      [
        '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
        '25 22 0:23 / /run rw,nosuid,nodev shared:5 - tmpfs tmpfs rw,size=300000k',
        '26 25 254:16 / /run/media/disk rw shared:9 - ext4 /dev/vdb rw',
        '45 22 0:44 / /mnt/remote\\040share rw,nosuid - fuse.sshfs user@host:/ rw',
        '46 22 0:45 / /dev/shm rw - tmpfs tmpfs rw',
      ].join('\n'),
    );
    expect(fsTypeAt(mounts, '/run/lab-holder.lock')).toBe('tmpfs');
    expect(fsTypeAt(mounts, '/run/media/disk/data')).toBe('ext4');
    expect(fsTypeAt(mounts, '/runner/file')).toBe('ext4');
    expect(fsTypeAt(mounts, '/mnt/remote share/a')).toBe('fuse.sshfs');
    expect(isFuse('fuse.sshfs') && isMemoryFs('tmpfs') && isMemoryFs('ramfs') && !isMemoryFs('ext4')).toBe(true);
    expect(fsTypeAt([], '/x')).toBeNull();
  });
});

describe('parseMaps', () => {
  it('reads captured maps with paths, inodes and pseudo areas', () => {
    const maps = parseMaps(fx('maps.cat'));
    expect(maps.some((m) => m.path.startsWith('/') && m.inode > 0)).toBe(true);
    expect(maps.some((m) => m.path === '[stack]')).toBe(true);
  });

  it('marks deleted files and keeps paths with spaces', () => {
    expect(
      parseMaps('7f00-7f01 r-xp 00000000 08:01 1234 /usr/lib/libssl.so.3 (deleted)\n7f02-7f03 r--p 00000000 08:01 99 /opt/my app/lib.so\n'),
    ).toEqual([
      { dev: '08:01', inode: 1234, path: '/usr/lib/libssl.so.3', deleted: true, range: '7f00-7f01' },
      { dev: '08:01', inode: 99, path: '/opt/my app/lib.so', deleted: false, range: '7f02-7f03' },
    ]);
  });
});

describe('TCP tables', () => {
  it('ss -tanpe: ends, owners and inode; /proc/net/tcp: established and half-closed apart, listeners and TIME_WAIT out', () => {
    const ss = [
      'LISTEN    0      128    127.0.0.1:6379   0.0.0.0:*     users:(("redis-server",pid=812,fd=6)) ino:692364 sk:85c cgroup:/ <->',
      'ESTAB     0      0      127.0.0.1:6379   127.0.0.1:51234     users:(("redis-server",pid=812,fd=9)) uid:0 ino:700001 sk:86 cgroup:/ <->',
      'ESTAB     0      0      127.0.0.1:51234   127.0.0.1:6379     users:(("app",pid=900,fd=3),("app",pid=901,fd=3)) uid:1000 ino:700002 sk:87 cgroup:/ <->',
    ].join('\n');
    expect(parseSsTcp(ss)[2]).toEqual({
      state: 'ESTAB',
      local: '127.0.0.1:51234',
      remote: '127.0.0.1:6379',
      inode: 700002,
      pids: [900, 901],
      names: ['app', 'app'],
    });
    const proc = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 692364 1 0 100 0 0 10 0',
      '   1: 0100007F:18EB 0100007F:C822 01 00000000:00000000 00:00000000 00000000     0        0 700001 1 0 100 0 0 10 0',
      '   2: 0100007F:18EB 0100007F:C823 08 00000000:00000000 00:00000000 00000000     0        0 700003 1 0 100 0 0 10 0',
      '   3: 0100007F:18EB 0100007F:C824 06 00000000:00000000 00:00000000 00000000     0        0 0 1 0 100 0 0 10 0',
    ].join('\n');
    const c = connectedTcpInodes(proc);
    expect([...c.established]).toEqual([700001]);
    expect([...c.halfClosed]).toEqual([700003]);
  });
});

describe('command lines for the new kernel', () => {
  it('carries memmap reservations and replaces an earlier seamless.restore', () => {
    expect(memmapReservations('root=/dev/vda memmap=1G!1G quiet memmap=64M$0x1000')).toEqual(['1G!1G']);
    expect(newKernelCmdline('root=/dev/vda memmap=1G!1G seamless.restore=old', null, 'u1')).toBe(
      'root=/dev/vda memmap=1G!1G seamless.restore=u1',
    );
    expect(newKernelCmdline('root=/dev/vda', 'root=/dev/vdb ro', undefined)).toBe('root=/dev/vdb ro');
  });
});

describe('/boot and host facts parsers', () => {
  it('pairs kernel images with initrd and config', () => {
    const names = [
      'vmlinuz-6.1.0-47-amd64',
      'initrd.img-6.1.0-47-amd64',
      'config-6.1.0-47-amd64',
      'vmlinuz-6.1.0-50-amd64',
      'System.map-6.1.0-50-amd64',
      'vmlinuz-6.10.0',
      'initramfs-6.10.0.img',
    ];
    expect(pairBootFiles('/boot', names)).toEqual([
      {
        version: '6.1.0-47-amd64',
        image: '/boot/vmlinuz-6.1.0-47-amd64',
        initrd: '/boot/initrd.img-6.1.0-47-amd64',
        config: '/boot/config-6.1.0-47-amd64',
      },
      { version: '6.1.0-50-amd64', image: '/boot/vmlinuz-6.1.0-50-amd64', initrd: null, config: null },
      { version: '6.10.0', image: '/boot/vmlinuz-6.10.0', initrd: '/boot/initramfs-6.10.0.img', config: null },
    ]);
  });

  it('reads systemd\'s "Startup finished" record and the highest journal PID', () => {
    const rec = {
      MESSAGE_ID: STARTUP_FINISHED_ID,
      KERNEL_USEC: '1830000',
      INITRD_USEC: '2100000',
      USERSPACE_USEC: '30500000',
      __REALTIME_TIMESTAMP: '1795652700000000',
    };
    expect(parseStartupFinished(`${JSON.stringify(rec)}\n`)).toEqual({
      kernelUsec: 1830000,
      initrdUsec: 2100000,
      userspaceUsec: 30500000,
      finishedAtUsec: 1795652700000000,
    });
    expect(parseStartupFinished('')).toBeNull();
    expect(maxJournalPid('{"_PID":"1"}\n{"_PID":"312"}\n{"MESSAGE":"x"}\n{"_PID":"45"}\n')).toBe(312);
  });

  it('finds legacy persistent memory in /proc/iomem, and hidden addresses', () => {
    const iomem =
      '00100000-3fffffff : System RAM\n40000000-7fffffff : Persistent Memory (legacy)\n  40000000-7fffffff : namespace0.0\n80000000-bffdffff : System RAM\n';
    expect(parsePmemRegions(iomem)).toEqual({
      regions: [{ start: 0x40000000, end: 0x7fffffff, sizeBytes: 1024 ** 3, kind: 'legacy' }],
      addressesHidden: false,
    });
    expect(parsePmemRegions('00000000-00000000 : Persistent Memory (legacy)\n').addressesHidden).toBe(true);
  });

  it('reads tool versions and states', () => {
    expect(parseCriuVersion('Version: 3.17.1\n')).toBe('3.17.1');
    expect(parseKexecVersion('kexec-tools 2.0.26\n')).toBe('2.0.26');
    expect(parseSystemdVersion('systemd 252 (252.39-1~deb12u1)\n+PAM +AUDIT\n')).toBe(252);
    expect(parseLockdown('none [integrity] confidentiality\n')).toBe('integrity');
    expect(criuCheckPassed(0, 'Error (criu/util.c:642): exited\nLooks good.\n')).toBe(true);
    expect(criuCheckPassed(1, 'Error (criu/vdso.c:…)\n')).toBe(false);
  });
});
