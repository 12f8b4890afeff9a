// Why: a process's cgroup path is how systemd, container runtimes and logind label what they
// started. On cgroup v2 it is the "0::" line; on v1/hybrid hosts systemd's own hierarchy
// ("name=systemd") carries the unit layout, the memory controller the page-cache accounting.

export interface CgroupPaths {
  /** The path that names the unit/container (v2 unified, else v1 name=systemd). */
  unit: string | null;
  /** The path under which memory.stat lives, and which hierarchy it is in. */
  memory: { path: string; version: 1 | 2 } | null;
}

export function parseCgroup(text: string): CgroupPaths {
  let unified: string | null = null;
  let systemdV1: string | null = null;
  let memoryV1: string | null = null;
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first === -1 || second === -1) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (line.slice(0, first) === '0' && controllers === '') unified = path;
    else if (controllers === 'name=systemd') systemdV1 = path;
    else if (controllers.split(',').includes('memory')) memoryV1 = path;
  }
  // On hybrid hosts the "0::" line exists but is "/" for everything; the v1 systemd path is the real one.
  const v1 = systemdV1 !== null || memoryV1 !== null;
  return {
    unit: v1 ? (systemdV1 ?? unified) : unified,
    memory: memoryV1 !== null ? { path: memoryV1, version: 1 } : unified !== null && !v1 ? { path: unified, version: 2 } : null,
  };
}
