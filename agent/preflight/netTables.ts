// Why: CRIU needs --tcp-established for connected TCP sockets and --ext-unix-sk for unix
// sockets whose peer lives outside the dumped tree, and --file-locks for held locks. These
// parsers read the kernel's tables (/proc/net/tcp, `ss -x`, /proc/locks); pure functions.

/** Socket inodes of ESTABLISHED (state 01) rows of /proc/PID/net/tcp or tcp6. */
export function establishedTcpInodes(text: string): Set<number> {
  const out = new Set<number>();
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 10 && f[3] === '01') out.add(Number(f[9]));
  }
  return out;
}

export interface UnixSocketRow {
  inode: number;
  peerInode: number | null;
  pids: number[];
}

/** `ss -xpn -a` rows: "u_str ESTAB 0 0 /run/x.sock 1234 * 5678 users:(("a",pid=1,fd=3))". */
export function parseSsUnix(text: string): UnixSocketRow[] {
  const rows: UnixSocketRow[] = [];
  // Netid State Recv-Q Send-Q Local-Address Inode Peer-Address PeerInode [users:(…)]; addresses
  // may be "*" or a path (possibly with spaces), so the inodes are found around them.
  const re = /^u_(?:str|dgr|seq)\s+\S+\s+\d+\s+\d+\s+.*?\s(\d+)\s+\S.*?\s(\d+)(?:\s+users:(.*))?\s*$/;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    const peer = Number(m[2]);
    const pids = [...(m[3] ?? '').matchAll(/pid=(\d+)/g)].map((x) => Number(x[1]));
    rows.push({ inode: Number(m[1]), peerInode: peer > 0 ? peer : null, pids });
  }
  return rows;
}

export interface LockRow {
  pid: number;
  /** "MAJ:MIN:INODE" as /proc/locks prints it. */
  file: string;
  type: string;
}

/** /proc/locks: "1: POSIX  ADVISORY  WRITE 1234 08:01:131 0 EOF" (blocked waiters, "->", are skipped). */
export function parseLocks(text: string): LockRow[] {
  const rows: LockRow[] = [];
  for (const line of text.split('\n')) {
    if (line.includes('->')) continue;
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const pid = Number(f[4]);
    if (Number.isInteger(pid) && pid > 0) rows.push({ pid, file: f[5]!, type: f[1]! });
  }
  return rows;
}

/** Mount points of FUSE filesystems in a mountinfo text. */
export function fuseMounts(mountinfo: string): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep === -1) continue;
    const fstype = line.slice(sep + 3).split(' ')[0] ?? '';
    if (fstype === 'fuse' || fstype.startsWith('fuse.') || fstype === 'fuseblk') out.push(line.split(' ')[4]!);
  }
  return out;
}
