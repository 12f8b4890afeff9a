// Why: answers `host.facts` from the host's own /proc (not from `uname` or other tools, which
// may be missing on a minimal server). The parsers are pure; only this file touches the disk.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { SeamlessError, tailOf } from '../../shared/errors';
import type { HostFacts } from '../../shared/domain/hostFacts';
import { parseCpuinfo } from './cpuinfo';
import { parseMeminfo } from './meminfo';

export interface ProcReader {
  read(path: string): Promise<string>;
}

export const realProc: ProcReader = {
  read: (path) => readFile(path, 'utf8'),
};

async function readOrFail(proc: ProcReader, path: string): Promise<string> {
  try {
    return await proc.read(path);
  } catch (err) {
    throw new SeamlessError('PROC_READ_FAILED', `Could not read ${path}; is /proc mounted and readable?`, {
      evidence: tailOf(err instanceof Error ? err.message : String(err)),
    });
  }
}

export async function readHostFacts(proc: ProcReader = realProc): Promise<HostFacts> {
  const [release, version, hostname, cmdline, cpuinfo, meminfo, uptime] = await Promise.all(
    [
      '/proc/sys/kernel/osrelease',
      '/proc/sys/kernel/version',
      '/proc/sys/kernel/hostname',
      '/proc/cmdline',
      '/proc/cpuinfo',
      '/proc/meminfo',
      '/proc/uptime',
    ].map((p) => readOrFail(proc, p)),
  );
  const cpu = parseCpuinfo(cpuinfo!);
  const mem = parseMeminfo(meminfo!);
  const total = mem.get('MemTotal');
  if (total === undefined) {
    throw new SeamlessError('PROC_READ_FAILED', '/proc/meminfo has no MemTotal line', { evidence: tailOf(meminfo!, 5) });
  }
  return {
    hostname: hostname!.trim(),
    kernel: { release: release!.trim(), version: version!.trim(), cmdline: cmdline!.trim() },
    // Some architectures list no "processor" stanzas; the scheduler's count is the fallback there.
    cpus: cpu.count > 0 ? cpu.count : availableParallelism(),
    cpuModel: cpu.model,
    memory: { totalBytes: total, availableBytes: mem.get('MemAvailable') ?? null },
    uptimeSeconds: Number(uptime!.trim().split(/\s+/)[0] ?? 0),
  };
}
