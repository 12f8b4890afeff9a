// Why: a process's mappings say which files it runs (libraries upgraded on disk since it
// started show as deleted or with another inode), which devices it maps, and whether uprobes
// are attached ("[uprobes]" area), all of which decide whether CRIU can carry it.

export interface MapEntry {
  /** Major:minor of the file's device, hex as the kernel prints it. */
  dev: string;
  inode: number;
  path: string;
  deleted: boolean;
  /** The address range ("7f00-7f10"), as /proc/PID/map_files names it. */
  range?: string;
}

export function parseMaps(text: string): MapEntry[] {
  const out: MapEntry[] = [];
  for (const line of text.split('\n')) {
    // address perms offset dev inode [path]; the path is everything after the fifth field.
    const m = /^(\S+) \S+ \S+ (\S+) (\d+)\s+(.*)$/.exec(line);
    if (!m || m[4] === '') continue;
    const raw = m[4]!;
    const deleted = raw.endsWith(' (deleted)');
    out.push({ dev: m[2]!, inode: Number(m[3]), path: deleted ? raw.slice(0, -' (deleted)'.length) : raw, deleted, range: m[1]! });
  }
  return out;
}
