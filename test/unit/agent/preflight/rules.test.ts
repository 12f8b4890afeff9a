// Every preflight rule: one case where it fires (changing one thing of a healthy context) and
// the healthy context, where it does not.
import { describe, expect, it } from 'vitest';
import { judge } from '../../../../agent/preflight/preflight';
import type { PreflightContext } from '../../../../agent/preflight/context';
import { baseContext, emptyProbe, proc, redis } from './context.fixture';

type Case = [id: string, severity: 'block' | 'warn' | 'info', mutate: (ctx: PreflightContext) => void];

const probe = (ctx: PreflightContext) => ctx.selected[0]!.probe;
const GiB = 1024 ** 3;

const cases: Case[] = [
  ['workload.not-found', 'block', (c) => void c.unresolved.push('pid:4242')],
  [
    'workload.overlap',
    'block',
    (c) => void c.selected.push({ selector: 'pid:5000', workload: { ...redis, id: 'pid:5000' }, probe: emptyProbe() }),
  ],
  [
    'criu.missing',
    'block',
    (c) => void (c.facts.criu = { version: null, checkPassed: null, checkOutput: null, features: {}, reason: 'criu is not installed' }),
  ],
  ['criu.check-failed', 'block', (c) => void Object.assign(c.facts.criu, { checkPassed: false, checkOutput: 'Error: vDSO check failed' })],
  ['criu.check-unknown', 'warn', (c) => void Object.assign(c.facts.criu, { checkPassed: null, reason: 'needs root' })],
  ['criu.older-than-kernel', 'warn', (c) => void (c.facts.criu.version = '3.17.1')],
  ['criu.no-dirty-tracking', 'warn', (c) => void (c.facts.criu.features.mem_dirty_track = false)],
  [
    'criu.no-lazy-pages',
    'block',
    (c) => {
      c.plan.options.restoreMode = 'lazy';
      c.facts.criu.features['uffd-noncoop'] = false;
    },
  ],
  ['kexec.missing', 'block', (c) => void (c.facts.kexec.version = null)],
  ['kexec.disabled', 'block', (c) => void (c.facts.kexec.loadDisabled = true)],
  ['kexec.lockdown', 'warn', (c) => void (c.facts.kexec.lockdown = 'integrity')],
  ['kexec.secure-boot', 'warn', (c) => void (c.facts.kexec.secureBoot = 'enabled')],
  ['kernel.not-a-kernel', 'block', (c) => void (c.newKernel.image = { ok: false, reason: 'no Linux boot header' })],
  ['kernel.initrd-missing', 'block', (c) => void (c.newKernel.initrdExists = false)],
  ['kernel.no-initrd', 'warn', (c) => void (c.plan.kernel.initrd = null)],
  ['kernel.config-unknown', 'warn', (c) => void (c.newKernel.config = null)],
  ['kernel.no-checkpoint-restore', 'block', (c) => void c.newKernel.config!.delete('CONFIG_CHECKPOINT_RESTORE')],
  [
    'kernel.no-userfaultfd',
    'block',
    (c) => {
      c.plan.options.restoreMode = 'lazy';
      c.newKernel.config!.delete('CONFIG_USERFAULTFD');
    },
  ],
  ['kernel.no-pmem', 'block', (c) => void c.newKernel.config!.delete('CONFIG_BLK_DEV_PMEM')],
  [
    'kernel.missing-namespace',
    'block',
    (c) => {
      c.inventory.processes[1] = proc(5000, 1, { namespaces: { pid: '1', mnt: '1', net: '99', user: '1' } });
      c.newKernel.config!.delete('CONFIG_NET_NS');
    },
  ],
  [
    'store.pmem-missing',
    'block',
    (c) => void (c.store = { kind: 'pmem', device: '/dev/pmem0', deviceBytes: null, mountedDax: false, use: null }),
  ],
  [
    'store.device-in-use',
    'block',
    (c) =>
      void (
        c.store.kind === 'pmem' &&
        (c.store.use = { mounts: ['/srv/data'], swap: false, signature: { type: 'ext4', label: 'seamless-store' } })
      ),
  ],
  [
    'store.foreign-filesystem',
    'block',
    (c) => void (c.store.kind === 'pmem' && (c.store.use = { mounts: [], swap: false, signature: { type: 'xfs', label: 'data' } })),
  ],
  ['store.too-small', 'block', (c) => void (c.estimatedImageBytes = 2 * GiB)],
  ['store.reservation-not-carried', 'block', (c) => void (c.newKernel.cmdline = 'root=/dev/vda rw console=ttyS0')],
  [
    'store.dir-unusable',
    'block',
    (c) =>
      void ((c.plan.store = { kind: 'dir', path: '/nope' }), (c.store = { kind: 'dir', path: '/nope', freeBytes: null, reason: 'EACCES' })),
  ],
  [
    'store.disk-speed',
    'info',
    (c) =>
      void (
        (c.plan.store = { kind: 'dir', path: '/var/lib/seamless' }),
        (c.store = { kind: 'dir', path: '/var/lib/seamless', freeBytes: 10 * GiB, reason: null })
      ),
  ],
  ['workload.device', 'block', (c) => void probe(c).fds.push({ pid: 5000, fd: '7', target: '/dev/nvidia0' })],
  ['workload.io-uring', 'block', (c) => void probe(c).fds.push({ pid: 5000, fd: '8', target: 'anon_inode:[io_uring]' })],
  ['workload.perf-event', 'block', (c) => void probe(c).fds.push({ pid: 5000, fd: '5', target: 'anon_inode:[perf_event]' })],
  ['workload.external-session', 'info', (c) => void (probe(c).externalSession = { rootPid: 5000, sid: 4999 })],
  ['workload.pidfd', 'block', (c) => void probe(c).fds.push({ pid: 5000, fd: '9', target: 'anon_inode:[pidfd]' })],
  ['workload.ptrace', 'block', (c) => void probe(c).tracers.push({ pid: 5000, tracerPid: 777 })],
  ['workload.uprobes', 'block', (c) => void probe(c).uprobes.push(5000)],
  ['workload.fuse', 'block', (c) => void probe(c).fuseFiles.push({ pid: 5000, path: '/mnt/sshfs/data' })],
  ['workload.tcp-established', 'info', (c) => void (probe(c).establishedTcp = 2)],
  [
    'workload.external-unix-socket',
    'warn',
    (c) => void probe(c).externalUnixPeers.push({ pid: 5000, inode: 1, peerPids: [42], type: 'dgram', peerPath: null }),
  ],
  [
    'workload.external-unix-stream',
    'block',
    (c) =>
      void probe(c).externalUnixPeers.push({
        pid: 5000,
        inode: 2,
        peerPids: [42],
        type: 'stream',
        peerPath: '/run/dbus/system_bus_socket',
      }),
  ],
  [
    'workload.journal-stream',
    'info',
    (c) =>
      void probe(c).externalUnixPeers.push({
        pid: 5000,
        inode: 3,
        peerPids: [191],
        type: 'stream',
        peerPath: '/run/systemd/journal/stdout',
      }),
  ],
  ['workload.memory-fs-files', 'block', (c) => void probe(c).memoryFsFiles.push({ pid: 5000, path: '/run/lab-holder.lock' })],
  [
    'workload.own-namespaces',
    'block',
    (c) => void (c.inventory.processes[1] = proc(5000, 1, { namespaces: { pid: '1', mnt: '4026532193', net: '1', user: '4026532195' } })),
  ],
  ['workload.file-locks', 'info', (c) => void probe(c).locks.push({ pid: 5000, file: '08:01:1234' })],
  ['workload.file-lease', 'warn', (c) => void probe(c).leases.push({ pid: 5000, file: 'fe:01:2621553', access: 'WRITE' })],
  ['workload.terminal', 'info', (c) => void probe(c).ttys.push(5000)],
  [
    'workload.replaced-files',
    'warn',
    (c) => void probe(c).maps.push({ pid: 5000, path: '/usr/lib/x86_64-linux-gnu/libssl.so.3', deleted: false, replaced: true }),
  ],
  [
    'workload.deleted-files',
    'info',
    (c) =>
      void probe(c).maps.push({ pid: 5000, path: '/usr/lib/x86_64-linux-gnu/libssl.so.3', deleted: true, replaced: false, bytes: 600_000 }),
  ],
  [
    'workload.tcp-local-peer',
    'warn',
    (c) =>
      void probe(c).localTcpPeers.push({
        pid: 5000,
        local: '127.0.0.1:6379',
        remote: '127.0.0.1:40000',
        peerPids: [777],
        peerNames: ['app'],
      }),
  ],
  ['workload.external-terminal', 'block', (c) => void (probe(c).ttys.push(5000), probe(c).externalTtys.push(5000))],
  ['workload.terminal', 'info', (c) => void probe(c).ttys.push(5000)],
  ['pids.boot-usage-unknown', 'info', (c) => void (c.facts.pids.usedBeforeServicesUp = null)],
  ['pids.collision', 'warn', (c) => void (c.facts.pids.usedBeforeServicesUp = 4900)],
  ['preflight.limited', 'warn', (c) => void c.limits.push('ss (iproute2) did not run')],
];

describe('preflight rules', () => {
  const healthy = judge(baseContext());

  it('a healthy plan can start', () => {
    expect(healthy.findings.filter((f) => f.severity === 'block')).toEqual([]);
    expect(healthy.canStart).toBe(true);
  });

  it.each(cases)('%s (%s) fires on its case and not on a healthy host', (id, severity, mutate) => {
    expect(healthy.findings.map((f) => f.id)).not.toContain(id);
    const ctx = baseContext();
    mutate(ctx);
    const result = judge(ctx);
    const f = result.findings.find((x) => x.id === id);
    expect(f, `expected finding ${id}`).toBeDefined();
    expect(f!.severity).toBe(severity);
    expect(f!.message.length).toBeGreaterThan(10);
    expect(f!.fix.length).toBeGreaterThan(5);
    if (severity === 'block') expect(result.canStart).toBe(false);
  });

  it('always says what will happen to a systemd service and to dirty page cache', () => {
    expect(healthy.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['workload.systemd-hold', 'host.dirty-page-cache']));
    const ctx = baseContext();
    ctx.facts.memory.dirtyBytes = 2 * GiB;
    expect(judge(ctx).findings.find((f) => f.id === 'host.dirty-page-cache')!.severity).toBe('warn');
  });

  it('does not call harmless devices undumpable', () => {
    const ctx = baseContext();
    for (const t of ['/dev/null', '/dev/urandom', '/dev/pts/3', '/dev/shm/x']) probe(ctx).fds.push({ pid: 5000, fd: '1', target: t });
    expect(judge(ctx).findings.map((f) => f.id)).not.toContain('workload.device');
  });

  it('derives the CRIU options from what it saw', () => {
    const ctx = baseContext();
    probe(ctx).establishedTcp = 1;
    probe(ctx).locks.push({ pid: 5000, file: 'x' });
    probe(ctx).ttys.push(5000);
    probe(ctx).externalTtys.push(5000);
    expect(judge(ctx).criuOptions['unit:redis-server.service']).toEqual([
      '--tcp-established',
      '--file-locks',
      '--shell-job',
      '--manage-cgroups',
    ]);
  });

  it('half-closed TCP needs --tcp-established too; a terminal of its own needs no --shell-job; a large ghost raises the limit', () => {
    const ctx = baseContext();
    probe(ctx).halfClosedTcp = 1;
    probe(ctx).ttys.push(5000);
    probe(ctx).maps.push({ pid: 5000, path: '/var/lib/app/big.db', deleted: true, replaced: false, bytes: 5 * 1024 * 1024 });
    probe(ctx).maps.push({ pid: 5000, path: '/[aio]', deleted: true, replaced: false });
    const r = judge(ctx);
    expect(r.criuOptions['unit:redis-server.service']).toEqual(['--tcp-established', '--ghost-limit=6M', '--manage-cgroups']);
    expect(r.findings.find((f) => f.id === 'workload.deleted-files')?.evidence).not.toContain('[aio]');
  });

  it('a device that is really shared memory or a closed pty is no block', () => {
    const ctx = baseContext();
    probe(ctx).fds.push({ pid: 5000, fd: '9', target: '/dev/zero (deleted)' }, { pid: 5000, fd: '10', target: '/dev/pts/5 (deleted)' });
    probe(ctx).maps.push({ pid: 5000, path: '/dev/zero', deleted: true, replaced: false });
    expect(judge(ctx).findings.map((f) => f.id)).not.toContain('workload.device');
    probe(ctx).fds.push({ pid: 5000, fd: '11', target: '/dev/dri/card0' });
    expect(judge(ctx).findings.map((f) => f.id)).toContain('workload.device');
  });

  it('marks journal streams external (once per socket) and asks --ext-unix-sk only for datagram peers', () => {
    const ctx = baseContext();
    const journal = { pid: 5000, peerPids: [191], type: 'stream' as const, peerPath: '/run/systemd/journal/stdout' };
    probe(ctx).externalUnixPeers.push({ ...journal, inode: 22305 }, { ...journal, inode: 22305 });
    expect(judge(ctx).criuOptions['unit:redis-server.service']).toEqual(['--external=unix[22305]', '--manage-cgroups']);
    probe(ctx).externalUnixPeers.push({ pid: 5000, inode: 9, peerPids: [221], type: 'dgram', peerPath: null });
    expect(judge(ctx).criuOptions['unit:redis-server.service']).toEqual(['--ext-unix-sk', '--external=unix[22305]', '--manage-cgroups']);
  });

  it('lets a block through only when the plan acknowledges that very finding', () => {
    const ctx = baseContext();
    probe(ctx).fds.push({ pid: 5000, fd: '5', target: 'anon_inode:[perf_event]' });
    expect(judge(ctx).canStart).toBe(false);
    ctx.plan.options.acknowledge = ['workload.io-uring'];
    expect(judge(ctx).canStart).toBe(false);
    ctx.plan.options.acknowledge = ['workload.perf-event'];
    expect(judge(ctx).canStart).toBe(true);
    expect(judge(ctx).findings.find((f) => f.id === 'workload.perf-event')?.severity).toBe('block');
  });

  it('orders blocks first', () => {
    const ctx = baseContext();
    ctx.facts.kexec.version = null;
    const sev = judge(ctx).findings.map((f) => f.severity);
    expect(sev.indexOf('block')).toBe(0);
    expect(sev.lastIndexOf('block')).toBeLessThan(sev.indexOf('info'));
  });
});
