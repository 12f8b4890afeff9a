// Test data: a ProcessInfo with sane defaults (root, one thread, 1 MiB anonymous memory).
import type { ProcessInfo } from '../../shared/domain/inventory';

const MiB = 1024 * 1024;

export function processInfo(pid: number, ppid: number, cgroup: string | null, anonMiB = 1, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    pid,
    ppid,
    comm: `p${pid}`,
    cmdline: [`p${pid}`],
    cmdlineTruncated: false,
    uid: 0,
    user: 'root',
    startTime: 0,
    state: 'S',
    threads: 1,
    sid: pid,
    ttyNr: 0,
    tracerPid: 0,
    cgroup,
    namespaces: { pid: '1', mnt: '1', net: '1', user: '1' },
    kernelThread: false,
    memory: { rssBytes: anonMiB * MiB, pssBytes: anonMiB * MiB, anonBytes: anonMiB * MiB, fileBytes: 0, shmemBytes: 0, swapBytes: 0 },
    mappings: 10,
    openFds: 3,
    ...extra,
  };
}
