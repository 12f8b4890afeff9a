// Why: /proc/meminfo is the kernel's own account of memory; later phases (footprints, store
// sizing, dirty page cache) read more of its fields, so it is parsed once, whole, purely.
// Format: proc(5) — "Name:   value [kB]" per line; values without a unit are counts.

export type Meminfo = ReadonlyMap<string, number>;

export function parseMeminfo(text: string): Meminfo {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^:\s]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line);
    if (!m) continue;
    const value = Number(m[2]);
    out.set(m[1]!, m[3] === 'kB' ? value * 1024 : value);
  }
  return out;
}
