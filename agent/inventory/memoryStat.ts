// Why: how much page cache a workload leans on is accounted per cgroup by the kernel
// (memory.stat). cgroup v2 and v1 name the same counters differently; v1's hierarchical
// "total_*" counters include sub-cgroups, as v2's do by default.
import type { CgroupPageCache } from '../../shared/domain/inventory';

export function parseMemoryStat(text: string, version: 1 | 2): CgroupPageCache | null {
  const kv = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.split(' ');
    if (k && v && /^\d+$/.test(v)) kv.set(k, Number(v));
  }
  if (version === 2) {
    const file = kv.get('file');
    if (file === undefined) return null;
    return {
      fileBytes: file,
      fileDirtyBytes: kv.get('file_dirty') ?? 0,
      fileWritebackBytes: kv.get('file_writeback') ?? 0,
      activeFileBytes: kv.get('active_file') ?? 0,
      inactiveFileBytes: kv.get('inactive_file') ?? 0,
    };
  }
  const v1 = (name: string) => kv.get(`total_${name}`) ?? kv.get(name);
  const cache = v1('cache');
  if (cache === undefined) return null;
  return {
    fileBytes: cache,
    fileDirtyBytes: v1('dirty') ?? 0,
    fileWritebackBytes: v1('writeback') ?? 0,
    activeFileBytes: v1('active_file') ?? 0,
    inactiveFileBytes: v1('inactive_file') ?? 0,
  };
}
