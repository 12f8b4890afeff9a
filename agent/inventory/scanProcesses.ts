// Why: one pass over /proc that yields every process with what the admin and the preflight
// need. It runs on hosts with thousands of processes that come and go while it reads: a
// process that exits mid-scan is simply not listed, an unreadable file leaves that field null
// and a recorded problem, and nothing a process wrote (its command line) can break the scan.
// Synchronous reads on purpose: for many tiny /proc files they cost far less CPU than promises.
import { readdirSync, readlinkSync } from 'node:fs';
import type { MemoryFootprint, ProcessInfo } from '../../shared/domain/inventory';
import { parseCgroup, type CgroupPaths } from '../proc/cgroup';
import { parseCmdline, MAX_CMDLINE_BYTES } from '../proc/cmdline';
import { countProcLines, readProcBytes, readProcText } from '../proc/readProc';
import { parseSmapsRollup } from '../proc/smapsRollup';
import { parseStat, PF_KTHREAD, USER_HZ } from '../proc/stat';
import { parseStatus } from '../proc/status';

export interface ScanProblem {
  pid: number | null;
  what: string;
  reason: string;
}

export interface ScannedProcess {
  info: ProcessInfo;
  cgroups: CgroupPaths;
}

export interface ScanOptions {
  procRoot?: string;
  users?: ReadonlyMap<number, string>;
  /**
   * Which processes get the costly reads (smaps_rollup for PSS, maps for the mapping count, fd/
   * for open files, ns/ links): every one, none, or the PIDs given. Default: every one.
   */
  details?: 'all' | 'none' | ReadonlySet<number>;
  /** The PIDs to scan, when the caller has listed them already (listPids); default: list them. */
  pids?: readonly number[];
}

/** The PIDs under a /proc root, in order. */
export function listPids(root: string): number[] {
  return readdirSync(root)
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .sort((a, b) => a - b);
}

function errCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

/** ENOENT/ESRCH: the process exited between listing and reading. */
function gone(err: unknown): boolean {
  const c = errCode(err);
  return c === 'ENOENT' || c === 'ESRCH';
}

class ProcessGone extends Error {}

export function bootTimeSeconds(statText: string): number {
  const m = /^btime (\d+)$/m.exec(statText);
  return m ? Number(m[1]) : 0;
}

export function scanProcesses(opts: ScanOptions = {}): { processes: ScannedProcess[]; problems: ScanProblem[] } {
  const problems: ScanProblem[] = [];
  return { processes: [...scanEach(opts, problems)], problems };
}

/**
 * The scan itself, one process at a time in PID order, so that a caller can keep only what it
 * needs of each and hand the rest on (the agent writes each record to the wire as it is read:
 * 10,000 records held as objects would cost more than its whole memory budget). What could
 * not be read is added to `problems`.
 */
export function* scanEach(opts: ScanOptions, problems: ScanProblem[]): Generator<ScannedProcess, void> {
  const root = opts.procRoot ?? '/proc';
  const users = opts.users ?? new Map<number, string>();
  let btime = 0;
  try {
    btime = bootTimeSeconds(readProcText(`${root}/stat`, 1024 * 1024));
  } catch (err) {
    problems.push({ pid: null, what: `${root}/stat`, reason: errCode(err) || String(err) });
  }

  const want = opts.details ?? 'all';
  for (const pid of opts.pids ?? listPids(root)) {
    let p: ScannedProcess | null = null;
    try {
      p = scanOne(root, pid, btime, users, problems, want === 'all' || (want !== 'none' && want.has(pid)));
    } catch (err) {
      if (err instanceof ProcessGone || gone(err)) continue;
      problems.push({ pid, what: 'process', reason: err instanceof Error ? err.message : String(err) });
    }
    if (p) yield p;
  }
}

function scanOne(
  root: string,
  pid: number,
  btime: number,
  users: ReadonlyMap<number, string>,
  problems: ScanProblem[],
  details: boolean,
): ScannedProcess | null {
  const dir = `${root}/${pid}`;
  const stat = parseStat(readProcText(`${dir}/stat`, 4096));
  if (!stat) {
    problems.push({ pid, what: 'stat', reason: 'unparseable' });
    return null;
  }
  const kernelThread = (stat.flags & PF_KTHREAD) !== 0;

  /** Reads one optional piece; a vanished process aborts the whole entry, other failures are recorded. */
  const optional = <T>(what: string, read: () => T): T | null => {
    try {
      return read();
    } catch (err) {
      if (gone(err)) throw new ProcessGone();
      problems.push({ pid, what, reason: errCode(err) || (err instanceof Error ? err.message : String(err)) });
      return null;
    }
  };

  const status = optional('status', () => parseStatus(readProcText(`${dir}/status`, 16 * 1024)));
  const cgroups = optional('cgroup', () => parseCgroup(readProcText(`${dir}/cgroup`, 16 * 1024, 'utf8'))) ?? { unit: null, memory: null };
  const ns = (name: string) => {
    if (!details) return null;
    const link = optional(`ns/${name}`, () => readlinkSync(`${dir}/ns/${name}`));
    return link === null ? null : (/\[(\d+)\]/.exec(link)?.[1] ?? link);
  };

  let cmdline: { args: string[]; truncated: boolean } = { args: [], truncated: false };
  let memory: MemoryFootprint | null = null;
  let mappings: number | null = null;
  let openFds: number | null = null;
  if (!kernelThread) {
    // One byte past the bound tells a truncated command line from one that fits exactly.
    cmdline = optional('cmdline', () => parseCmdline(readProcBytes(`${dir}/cmdline`, MAX_CMDLINE_BYTES + 1))) ?? cmdline;
    const rollup = details ? optional('smaps_rollup', () => parseSmapsRollup(readProcText(`${dir}/smaps_rollup`, 8192))) : null;
    if (status && status.rssAnonBytes !== null) {
      const anon = status.rssAnonBytes;
      const file = status.rssFileBytes ?? 0;
      const shmem = status.rssShmemBytes ?? 0;
      memory = {
        rssBytes: rollup?.rss ?? anon + file + shmem,
        // Without smaps_rollup (not read at this detail level, kernels before 4.14, unreadable) PSS is unknown.
        pssBytes: rollup?.pss ?? null,
        anonBytes: anon,
        fileBytes: file,
        shmemBytes: shmem,
        swapBytes: rollup?.swap ?? status.swapBytes,
      };
    }
    if (details) {
      mappings = optional('maps', () => countProcLines(`${dir}/maps`));
      openFds = optional('fd', () => readdirSync(`${dir}/fd`).length);
    }
  }

  return {
    cgroups,
    info: {
      pid,
      ppid: stat.ppid,
      comm: stat.comm,
      cmdline: cmdline.args,
      cmdlineTruncated: cmdline.truncated,
      uid: status?.uid ?? null,
      user: status?.uid != null ? (users.get(status.uid) ?? null) : null,
      startTime: btime + stat.startTicks / USER_HZ,
      state: stat.state,
      threads: status?.threads ?? stat.numThreads,
      sid: stat.session,
      ttyNr: stat.ttyNr,
      tracerPid: status?.tracerPid ?? 0,
      cgroup: cgroups.unit,
      namespaces: { pid: ns('pid'), mnt: ns('mnt'), net: ns('net'), user: ns('user') },
      kernelThread,
      memory,
      mappings,
      openFds,
    },
  };
}
