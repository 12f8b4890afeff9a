// Why: what `seamless inventory` prints for a human: one line per workload with the figures
// that decide what to carry and how long its checkpoint will take. Pure.
import type { FileResidency, Inventory } from '../../shared/domain/inventory';
import { formatBytes } from '../../shared/format';
import { table } from '../../shared/text/table';

export function formatInventory(inv: Inventory): string {
  const rows = inv.workloads.map((w) => [
    w.id,
    w.kind,
    String(w.pids.length),
    formatBytes(w.memory.rssBytes),
    w.memory.pssBytes === null ? '-' : formatBytes(w.memory.pssBytes),
    formatBytes(w.memory.anonBytes),
    formatBytes(w.memory.swapBytes),
    w.pageCache.known ? formatBytes(w.pageCache.cgroup.fileBytes) : 'unknown',
    w.image ? `${w.name} (${w.image})` : w.name,
  ]);
  const head = table(['WORKLOAD', 'KIND', 'PROCS', 'RSS', 'PSS', 'ANON', 'SWAP', 'PAGECACHE', 'NAME'], rows, [2, 3, 4, 5, 6, 7]);
  const foot = `${inv.processes.length} processes, ${inv.workloads.length} workloads; host dirty page cache ${formatBytes(inv.host.dirtyBytes)}, writeback ${formatBytes(inv.host.writebackBytes)}`;
  const detail = inv.detail.level === 'basic' ? `\nPSS "-": ${inv.detail.reason}` : '';
  const problems = inv.problems.length ? `\n${inv.problems.length} field(s) could not be read (see --json "problems")` : '';
  return `${head}\n\n${foot}${detail}${problems}`;
}

export function formatFiles(files: FileResidency[]): string {
  const rows = files.map((f) => [
    f.residentBytes === null ? 'unknown' : formatBytes(f.residentBytes),
    f.sizeBytes === null ? '?' : formatBytes(f.sizeBytes),
    f.unknownReason ? `${f.path}  (${f.unknownReason})` : f.path,
  ]);
  const total = files.reduce((s, f) => s + (f.residentBytes ?? 0), 0);
  return `${table(['RESIDENT', 'SIZE', 'FILE'], rows, [0, 1])}\n\n${files.length} files, ${formatBytes(total)} resident`;
}
