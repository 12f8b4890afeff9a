// Test data: an inventory with one process tree of `anonMiB` written memory (a keeper and its
// child), as the agent reports it, for the estimate and report tests.
import type { Inventory, ProcessInfo } from '../../shared/domain/inventory';

const MiB = 1024 * 1024;

function proc(pid: number, ppid: number, anon: number): ProcessInfo {
  return {
    pid,
    ppid,
    comm: 'lab-memload',
    cmdline: ['lab-memload'],
    cmdlineTruncated: false,
    uid: 0,
    user: 'root',
    startTime: 1_700_000_000,
    state: 'S',
    threads: 1,
    sid: pid,
    ttyNr: 0,
    tracerPid: 0,
    cgroup: '/user.slice',
    namespaces: { pid: null, mnt: null, net: null, user: null },
    kernelThread: false,
    memory: { rssBytes: anon + MiB, pssBytes: anon + MiB, anonBytes: anon, fileBytes: MiB, shmemBytes: 0, swapBytes: 0 },
    mappings: 20,
    openFds: 4,
  };
}

export function sampleInventory(anonMiB = 256, kind: 'tree' | 'service' = 'tree'): Inventory {
  const anon = anonMiB * MiB;
  const processes = [proc(600, 1, 0), proc(601, 600, anon)];
  return {
    scannedAt: 1_700_000_000_000,
    processes,
    workloads: [
      {
        id: kind === 'service' ? 'unit:lab.service' : 'pid:600',
        kind,
        name: 'lab-memload',
        runtime: kind === 'service' ? 'systemd' : null,
        image: null,
        containerId: null,
        cgroup: '/user.slice',
        rootPid: 600,
        pids: [600, 601],
        memory: { rssBytes: anon + 2 * MiB, pssBytes: anon + 2 * MiB, anonBytes: anon, fileBytes: 2 * MiB, shmemBytes: 0, swapBytes: 0 },
        pageCache: { known: false, reason: 'test' },
      },
    ],
    host: { dirtyBytes: 0, writebackBytes: 0 },
    detail: { level: 'full', reason: null },
    problems: [],
  };
}
