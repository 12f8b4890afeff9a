// Why: answers `inventory.list`: the scan, the grouping and the page-cache accounting put
// together, read-only. Each piece is separately testable; this file only wires them to the
// real /proc and /sys. Two forms of the same answer: objects (preflight and the upgrade use
// them in-process) and JSON in pieces (the wire answer: each process record goes out as soon
// as it is read, so that 10,000 of them never sit in the agent's memory; grouping keeps only a
// few fields per process).
import type { Inventory, ProcessInfo, Workload } from '../../shared/domain/inventory';
import { parseMeminfo } from '../facts/meminfo';
import { parsePasswd } from '../proc/passwd';
import { JsonChunks } from '../rpc/jsonChunks';
import { classifyCgroup, type CgroupClass } from './classifyCgroup';
import { containerLabel } from './containerNames';
import { groupWorkloads, type GroupProcess } from './groupWorkloads';
import { parseMemoryStat } from './memoryStat';
import { listPids, scanEach, type ScanProblem } from './scanProcesses';
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

/** Pieces of the JSON answer are about this long (characters). */
const CHUNK_CHARS = 8 * 1024;

type InventoryRest = Omit<Inventory, 'processes'>;

/** Yields every process record, then returns the rest of the inventory (workloads, host, detail, problems). */
function* scanInventory(opts: InventoryOptions): Generator<ProcessInfo, InventoryRest> {
  const procRoot = opts.procRoot ?? '/proc';
  const cgroupRoot = opts.cgroupRoot ?? '/sys/fs/cgroup';
  const users = parsePasswd(readOptional(opts.passwdPath ?? '/etc/passwd') ?? '');
  const mode = opts.details ?? 'auto';
  // Listed once: the count decides the detail level, the same list is scanned.
  const pids = listPids(procRoot);
  const count = pids.length;
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

  const problems: ScanProblem[] = [];
  const rows: { info: GroupProcess; cls: CgroupClass }[] = [];
  /** v1 only: the memory controller's own path per process (v2 uses the unit's cgroup). */
  const memPathsV1 = new Map<number, string>();
  let v2 = false;
  // Thousands of processes share a few cgroups and names; each kept once (a string cut from a
  // /proc file would otherwise keep the whole file's text alive).
  const cgroupClasses = new Map<string, { cgroup: string; cls: CgroupClass }>();
  const strings = new Map<string, string>();
  const intern = (text: string): string => {
    const known = strings.get(text);
    if (known !== undefined) return known;
    strings.set(text, text);
    return text;
  };
  const noCgroup = classifyCgroup(null);
  for (const { info, cgroups } of scanEach({ procRoot, users, pids, details: full ? 'all' : new Set(opts.detailPids ?? []) }, problems)) {
    const { pid, ppid, kernelThread, memory } = info;
    let shared = info.cgroup === null ? null : cgroupClasses.get(info.cgroup);
    if (shared === undefined && info.cgroup !== null) {
      shared = { cgroup: info.cgroup, cls: classifyCgroup(info.cgroup) };
      cgroupClasses.set(info.cgroup, shared);
    }
    rows.push({
      info: { pid, ppid, comm: intern(info.comm), cgroup: shared?.cgroup ?? null, kernelThread, memory },
      cls: shared?.cls ?? noCgroup,
    });
    if (cgroups.memory?.version === 2) v2 = true;
    else if (cgroups.memory) memPathsV1.set(pid, intern(cgroups.memory.path));
    yield info;
  }

  const pageCache = (cgroup: string | null, pid: number): Workload['pageCache'] => {
    // v2: the unit's own cgroup holds the counters for everything below it. v1: the memory
    // controller's hierarchy is separate; the root process's path there is the best match.
    const path = v2 ? cgroup : (memPathsV1.get(pid) ?? null);
    if (!path || path === '/')
      return { known: false, reason: 'No memory cgroup of its own (the kernel accounts its page cache to the root).' };
    const file = v2 ? `${cgroupRoot}${path}/memory.stat` : `${cgroupRoot}/memory${path}/memory.stat`;
    const text = readOptional(file);
    if (text === null) return { known: false, reason: `${file} is not readable (memory accounting off for this cgroup?)` };
    const parsed = parseMemoryStat(text, v2 ? 2 : 1);
    return parsed ? { known: true, cgroup: parsed } : { known: false, reason: `${file} has no page-cache counters` };
  };

  const workloads = groupWorkloads(rows, { containerLabel: (runtime, id) => containerLabel(runtime, id), pageCache });
  const meminfo = parseMeminfo(readOptional(`${procRoot}/meminfo`) ?? '');
  return {
    scannedAt: Date.now(),
    workloads,
    host: { dirtyBytes: meminfo.get('Dirty') ?? 0, writebackBytes: meminfo.get('Writeback') ?? 0 },
    detail,
    problems,
  };
}

export function listInventory(opts: InventoryOptions = {}): Inventory {
  const processes: ProcessInfo[] = [];
  const scan = scanInventory(opts);
  for (let step = scan.next(); ; step = scan.next()) {
    if (step.done) return { ...step.value, processes };
    processes.push(step.value);
  }
}

/**
 * The same inventory for the wire, made while it is written: the processes array first, each
 * record serialized as it is read, then the rest once the scan is complete.
 */
export function listInventoryJson(opts: InventoryOptions = {}): JsonChunks<Inventory> {
  return new JsonChunks<Inventory>(function* () {
    let piece = '{"processes":[';
    let first = true;
    const scan = scanInventory(opts);
    for (let step = scan.next(); ; step = scan.next()) {
      if (step.done) {
        // The rest always has keys: its JSON is "{…}", continued after the array.
        yield `${piece}],${JSON.stringify(step.value).slice(1)}`;
        return;
      }
      piece += first ? JSON.stringify(step.value) : `,${JSON.stringify(step.value)}`;
      first = false;
      if (piece.length >= CHUNK_CHARS) {
        yield piece;
        piece = '';
      }
    }
  });
}
