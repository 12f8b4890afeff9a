// Why: the page cache a workload leans on does not survive kexec on stock kernels. To read it
// back after the restore (and to size the rewarm in the estimate), the agent lists the files a
// workload maps or holds open and asks util-linux `fincore` (mincore(2)) how much of each is
// resident. Where fincore is missing or a file cannot be opened, it says so per file.
// A file under a lease is never handed to fincore: opening it would break the lease and the
// kernel's SIGIO would kill its holder (agent/proc/locks.ts). It is reported, not opened.
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import type { FileResidency } from '../../shared/domain/inventory';
import { SeamlessError } from '../../shared/errors';
import { sh } from '../exec/sh';
import { readText } from '../fs/readOptional';
import { deviceKey, leasedFiles, parseLocks, type Lease } from '../proc/locks';

/** Regular files mapped (from maps) or open (from fd/) by the given processes. */
export function filesOf(pids: number[], procRoot = '/proc'): string[] {
  const files = new Set<string>();
  for (const pid of pids) {
    let maps = '';
    try {
      maps = readFileSync(`${procRoot}/${pid}/maps`, 'utf8');
    } catch {
      // exited or not permitted: nothing to add
    }
    for (const line of maps.split('\n')) {
      const i = line.indexOf(' /');
      if (i !== -1 && !line.endsWith(' (deleted)')) files.add(line.slice(i + 1));
    }
    let fds: string[] = [];
    try {
      fds = readdirSync(`${procRoot}/${pid}/fd`);
    } catch {
      // as above
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`${procRoot}/${pid}/fd/${fd}`);
        if (target.startsWith('/') && !target.endsWith(' (deleted)')) files.add(target);
      } catch {
        // closed meanwhile
      }
    }
  }
  return [...files].filter((f) => {
    try {
      return statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

/** Parses `fincore --json --bytes -o RES,SIZE,FILE` output plus its stderr complaints. */
export function parseFincore(stdout: string, stderr: string, files: string[]): FileResidency[] {
  const found = new Map<string, { res: number; size: number }>();
  try {
    const json = JSON.parse(stdout || '{"fincore":[]}') as { fincore?: { res?: unknown; size?: unknown; file?: unknown }[] };
    for (const row of json.fincore ?? []) {
      if (typeof row.file === 'string') found.set(row.file, { res: Number(row.res), size: Number(row.size) });
    }
  } catch {
    // fall through: every file below is then "unknown" with fincore's own words
  }
  const complaints = new Map<string, string>();
  for (const line of stderr.split('\n')) {
    const m = /^fincore: failed to (?:open|do mincore): (.+): (.+)$/.exec(line);
    if (m) complaints.set(m[1]!, m[2]!);
  }
  return files.map((path) => {
    const f = found.get(path);
    if (f && Number.isFinite(f.res)) return { path, sizeBytes: f.size, residentBytes: f.res, unknownReason: null };
    return { path, sizeBytes: null, residentBytes: null, unknownReason: complaints.get(path) ?? 'fincore gave no answer for this file' };
  });
}

export async function fincore(files: string[], bin = 'fincore', signal?: AbortSignal): Promise<FileResidency[]> {
  if (files.length === 0) return [];
  const r = await sh(bin, ['--json', '--bytes', '-o', 'RES,SIZE,FILE', '--', ...files], {
    timeoutMs: 60_000,
    limitBytes: 64 * 1024 * 1024,
    signal,
  });
  if (r.missing)
    return files.map((path) => ({
      path,
      sizeBytes: null,
      residentBytes: null,
      unknownReason: 'fincore (util-linux) is not installed on the host',
    }));
  // fincore exits 1 when any file failed; the others are still in stdout.
  return parseFincore(r.stdout, r.stderr, files);
}

/** Splits paths into those safe to open and those under a lease right now (stat(2) does not break a lease). */
export function withoutLeased(
  paths: readonly string[],
  locksText = readText('/proc/locks'),
): { open: string[]; leased: Map<string, Lease> } {
  const leases = leasedFiles(parseLocks(locksText));
  const open: string[] = [];
  const leased = new Map<string, Lease>();
  for (const path of paths) {
    let lease: Lease | undefined;
    if (leases.size > 0) {
      try {
        const s = statSync(path, { bigint: true });
        lease = leases.get(deviceKey(s.dev, s.ino));
      } catch {
        // gone meanwhile: fincore will say so
      }
    }
    if (lease) leased.set(path, lease);
    else open.push(path);
  }
  return { open, leased };
}

export const leaseReason = (l: Lease) =>
  `under a ${l.access.toLowerCase()} ${l.type === 'DELEG' ? 'delegation' : 'lease'} held by pid ${l.pid}: not opened (opening it would break the lease and signal its holder)`;

export async function residencyOf(pids: number[], procRoot = '/proc', signal?: AbortSignal): Promise<FileResidency[]> {
  const { open: files, leased } = withoutLeased(filesOf(pids, procRoot));
  const out: FileResidency[] = [...leased].map(([path, l]) => ({
    path,
    sizeBytes: null,
    residentBytes: null,
    unknownReason: leaseReason(l),
  }));
  // Bounded argument lists: a few hundred paths per fincore run.
  for (let i = 0; i < files.length; i += 256) {
    if (signal?.aborted) throw new SeamlessError('REQUEST_CANCELLED', 'footprint.files was cancelled');
    out.push(...(await fincore(files.slice(i, i + 256), 'fincore', signal)));
  }
  return out.sort((a, b) => (b.residentBytes ?? -1) - (a.residentBytes ?? -1));
}
