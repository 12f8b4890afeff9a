// Test data: a preflight context for a healthy lab-like host with one selected service, on which
// no rule blocks. Each rule test changes one thing and expects its finding.
import type { PreflightContext, SelectedWorkload, WorkloadProbe } from '../../../../agent/preflight/context';
import type { Inventory, ProcessInfo, Workload } from '../../../../shared/domain/inventory';
import { planSchema } from '../../../../shared/plan/plan';
import { sampleFacts } from '../../../helpers/sampleFacts';
import { processInfo } from '../../../helpers/processInfo';

const MiB = 1024 * 1024;

export function proc(pid: number, ppid: number, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return processInfo(pid, ppid, '/system.slice/redis-server.service', 300, extra);
}

export function emptyProbe(): WorkloadProbe {
  return {
    fds: [],
    maps: [],
    uprobes: [],
    establishedTcp: 0,
    halfClosedTcp: 0,
    localTcpPeers: [],
    externalUnixPeers: [],
    locks: [],
    leases: [],
    foreignLocks: [],
    fuseFiles: [],
    memoryFsFiles: [],
    tracers: [],
    ttys: [],
    externalTtys: [],
    externalSession: null,
  };
}

export const redis: Workload = {
  id: 'unit:redis-server.service',
  kind: 'service',
  name: 'redis-server.service',
  runtime: 'systemd',
  image: null,
  containerId: null,
  cgroup: '/system.slice/redis-server.service',
  rootPid: 5000,
  pids: [5000],
  memory: { rssBytes: 300 * MiB, pssBytes: 300 * MiB, anonBytes: 300 * MiB, fileBytes: 0, shmemBytes: 0, swapBytes: 0 },
  pageCache: { known: false, reason: 'test' },
};

export function baseContext(): PreflightContext {
  const inventory: Inventory = {
    scannedAt: 0,
    processes: [proc(1, 0, { cgroup: '/init.scope' }), proc(5000, 1)],
    workloads: [redis],
    host: { dirtyBytes: 0, writebackBytes: 0 },
    detail: { level: 'full', reason: null },
    problems: [],
  };
  const facts = sampleFacts({
    criu: {
      version: '4.1',
      checkPassed: true,
      checkOutput: 'Looks good.',
      features: { mem_dirty_track: true, uffd: true, 'uffd-noncoop': true, clone3_set_tid: true },
      reason: null,
    },
  });
  const plan = planSchema.parse({
    version: 1,
    host: 'lab',
    createdAt: '2026-11-26T00:00:00Z',
    workloads: ['unit:redis-server.service'],
    kernel: { release: '6.1.0-50-amd64', image: '/boot/vmlinuz-6.1.0-50-amd64', initrd: '/boot/initrd.img-6.1.0-50-amd64', cmdline: null },
    store: { kind: 'pmem', device: '/dev/pmem0' },
  });
  const selected: SelectedWorkload[] = [{ selector: 'unit:redis-server.service', workload: redis, probe: emptyProbe() }];
  return {
    plan,
    facts,
    inventory,
    selected,
    unresolved: [],
    newKernel: {
      image: { ok: true, format: 'bzImage', release: '6.1.0-50-amd64' },
      initrdExists: true,
      config: new Map([
        ['CONFIG_CHECKPOINT_RESTORE', 'y'],
        ['CONFIG_BLK_DEV_PMEM', 'm'],
        ['CONFIG_X86_PMEM_LEGACY', 'm'],
        ['CONFIG_LIBNVDIMM', 'm'],
        ['CONFIG_NET_NS', 'y'],
        ['CONFIG_USER_NS', 'y'],
        ['CONFIG_PID_NS', 'y'],
        ['CONFIG_USERFAULTFD', 'y'],
      ]),
      configPath: '/boot/config-6.1.0-50-amd64',
      cmdline: facts.kernel.cmdline,
    },
    store: {
      kind: 'pmem',
      device: '/dev/pmem0',
      deviceBytes: 1024 * MiB,
      mountedDax: false,
      use: { mounts: [], swap: false, signature: null },
    },
    estimatedImageBytes: 400 * MiB,
    leaseBreakTimeS: 45,
    containers: null,
    ociRuntimes: [],
    limits: [],
  };
}
