// Why: answers `inventory.list`: the scan, the grouping and the page-cache accounting put
// together, read-only. Each piece is separately testable; this file only wires them to the
// real /proc and /sys.
import { readdirSync } from 'node:fs';
import type { Inventory, Workload } from '../../shared/domain/inventory';
import { parseMeminfo } from '../facts/meminfo';
import { parsePasswd } from '../proc/passwd';
import { classifyCgroup } from './classifyCgroup';
import { containerLabel } from './containerNames';
import { groupWorkloads } from './groupWorkloads';
import { parseMemoryStat } from './memoryStat';
import { scanProcesses } from './scanProcesses';
import { readOptional } from '../fs/readOptional';

export interface InventoryOptions {
  procRoot?: string;
  cgroupRoot?: string;
  passwdPath?: string;
  /** auto: the costly per-process reads for every process up to FULL_DETAIL_LIMIT, else only for detailPids. */
  details?: 'auto' | 'all' | 'none';
  detailPids?: number[];
}

/**
 * Above this many processes the costly reads (smaps_rollup, maps, fd/, ns/) are made only for
 * the PIDs asked for: on 10,000 processes they cost seconds of kernel time (bench:inventory).
 */
export const FULL_DETAIL_LIMIT = 2000;

function countPids(procRoot: string): number {
  try {
    return readdirSync(procRoot).filter((e) => /^\d+$/.test(e)).length;
  } catch {
    return 0;
  }
}

export function listInventory(opts: InventoryOptions = {}): Inventory {
  const procRoot = opts.procRoot ?? '/proc';
  const cgroupRoot = opts.cgroupRoot ?? '/sys/fs/cgroup';
  const users = parsePasswd(readOptional(opts.passwdPath ?? '/etc/passwd') ?? '');
  const mode = opts.details ?? 'auto';
  const count = mode === 'auto' ? countPids(procRoot) : 0;
  const full = mode === 'all' || (mode === 'auto' && count <= FULL_DETAIL_LIMIT);
  const detail: Inventory['detail'] = full
    ? { level: 'full', reason: null }
    : {
        level: 'basic',
        reason:
          mode === 'none'
            ? 'details were not asked for'
            : `${count} processes (more than ${FULL_DETAIL_LIMIT}): PSS, mappings, open files and namespaces were read only for the processes asked for`,
      };
  const { processes, problems } = scanProcesses({ procRoot, users, details: full ? 'all' : new Set(opts.detailPids ?? []) });
  const memPaths = new Map(processes.map((p) => [p.info.pid, p.cgroups.memory]));
  const v2 = processes.some((p) => p.cgroups.memory?.version === 2);

  const pageCache = (cgroup: string | null, pid: number): Workload['pageCache'] => {
    // v2: the unit's own cgroup holds the counters for everything below it. v1: the memory
    // controller's hierarchy is separate; the root process's path there is the best match.
    const mem = memPaths.get(pid);
    const path = v2 ? cgroup : (mem?.path ?? null);
    if (!path || path === '/')
      return { known: false, reason: 'No memory cgroup of its own (the kernel accounts its page cache to the root).' };
    const file = v2 ? `${cgroupRoot}${path}/memory.stat` : `${cgroupRoot}/memory${path}/memory.stat`;
    const text = readOptional(file);
    if (text === null) return { known: false, reason: `${file} is not readable (memory accounting off for this cgroup?)` };
    const parsed = parseMemoryStat(text, v2 ? 2 : 1);
    return parsed ? { known: true, cgroup: parsed } : { known: false, reason: `${file} has no page-cache counters` };
  };

  const workloads = groupWorkloads(
    processes.map((p) => ({ info: p.info, cls: classifyCgroup(p.info.cgroup) })),
    { containerLabel: (runtime, id) => containerLabel(runtime, id), pageCache },
  );
  const meminfo = parseMeminfo(readOptional(`${procRoot}/meminfo`) ?? '');
  return {
    scannedAt: Date.now(),
    processes: processes.map((p) => p.info),
    workloads,
    host: { dirtyBytes: meminfo.get('Dirty') ?? 0, writebackBytes: meminfo.get('Writeback') ?? 0 },
    detail,
    problems,
  };
}
