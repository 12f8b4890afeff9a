// Why: /proc/locks says which files are locked and which are leased. Locks are what CRIU must
// carry (`--file-locks`); leases are what a read-only look must never touch: opening a file
// under a write lease (any open, even O_RDONLY) breaks the lease, the kernel sends the holder
// SIGIO, and SIGIO's default action kills it (fcntl(2), "Leases"). A read lease breaks only on
// an open for writing, but the agent never opens a leased file at all: it cannot know what the
// holder does when its lease is broken.

export interface LockRow {
  pid: number;
  /** "MAJ:MIN:INODE" as /proc/locks prints it (major and minor in hex). */
  file: string;
  /** POSIX, FLOCK, LEASE, DELEG, … */
  type: string;
  /** READ, WRITE (UNLCK for a lease being given up). */
  access: string;
}

/** /proc/locks: "1: POSIX  ADVISORY  WRITE 1234 08:01:131 0 EOF" (blocked waiters, "->", and OFD locks with no owner are skipped). */
export function parseLocks(text: string): LockRow[] {
  const rows: LockRow[] = [];
  for (const line of text.split('\n')) {
    if (line.includes('->')) continue;
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const pid = Number(f[4]);
    if (Number.isInteger(pid) && pid > 0) rows.push({ pid, file: f[5]!, type: f[1]!, access: f[3]! });
  }
  return rows;
}

/** The key of a file by device and inode, the same for /proc/locks' text and for stat(2). */
export function fileKey(major: number, minor: number, inode: bigint | number): string {
  return `${major}:${minor}:${inode}`;
}

/** A stat's dev_t split the way glibc's major()/minor() do (both halves of the 64-bit encoding). */
export function deviceKey(dev: bigint, ino: bigint): string {
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & 0xfffff000n));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & 0xffffff00n));
  return fileKey(major, minor, ino);
}

export interface Lease {
  pid: number;
  access: string;
  type: string;
}

/** Files under a lease (or an NFS delegation, which breaks the same way), by fileKey. */
export function leasedFiles(rows: readonly LockRow[]): Map<string, Lease> {
  const out = new Map<string, Lease>();
  for (const r of rows) {
    if (r.type !== 'LEASE' && r.type !== 'DELEG') continue;
    const m = /^([0-9a-f]+):([0-9a-f]+):(\d+)$/i.exec(r.file);
    if (!m) continue;
    out.set(fileKey(parseInt(m[1]!, 16), parseInt(m[2]!, 16), BigInt(m[3]!)), { pid: r.pid, access: r.access, type: r.type });
  }
  return out;
}
