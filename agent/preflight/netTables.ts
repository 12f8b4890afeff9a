// Why: CRIU needs --tcp-established for connected TCP sockets and --ext-unix-sk for unix
// sockets whose peer lives outside the dumped tree, and --file-locks for held locks. These
// parsers read the kernel's tables (/proc/net/tcp, `ss -x`, /proc/locks); pure functions.

/** TCP states (hex, as /proc/net/tcp prints them) of a connection CRIU repairs with --tcp-established. */
const CONNECTED = new Set(['01', '04', '05', '08', '09', '0B']);

/** Socket inodes of connected rows of /proc/PID/net/tcp or tcp6: ESTABLISHED, and those past it (half-closed). */
export function connectedTcpInodes(text: string): { established: Set<number>; halfClosed: Set<number> } {
  const established = new Set<number>();
  const halfClosed = new Set<number>();
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !CONNECTED.has(f[3]!) || f[9] === '0') continue;
    (f[3] === '01' ? established : halfClosed).add(Number(f[9]));
  }
  return { established, halfClosed };
}

export interface TcpSocketRow {
  state: string;
  local: string;
  remote: string;
  inode: number;
  pids: number[];
  names: string[];
}

/** `ss -tanpeH` rows: "ESTAB 0 0 127.0.0.1:6379 127.0.0.1:51234 users:(("redis",pid=1,fd=7)) uid:0 ino:1234 sk:…". */
export function parseSsTcp(text: string): TcpSocketRow[] {
  const rows: TcpSocketRow[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const ino = /\bino:(\d+)/.exec(line);
    rows.push({
      state: f[0]!,
      local: f[3]!,
      remote: f[4]!,
      inode: ino ? Number(ino[1]) : 0,
      pids: [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])),
      names: [...line.matchAll(/\("([^"]*)",pid=/g)].map((m) => m[1]!),
    });
  }
  return rows;
}

export interface UnixSocketRow {
  type: 'stream' | 'dgram' | 'seqpacket';
  /** The bound path ("/run/systemd/journal/stdout"), or null for an unnamed socket. */
  path: string | null;
  inode: number;
  peerInode: number | null;
  pids: number[];
}

const SS_TYPES = { str: 'stream', dgr: 'dgram', seq: 'seqpacket' } as const;

/** `ss -xpn -a` rows: "u_str ESTAB 0 0 /run/x.sock 1234 * 5678 users:(("a",pid=1,fd=3))". */
export function parseSsUnix(text: string): UnixSocketRow[] {
  const rows: UnixSocketRow[] = [];
  // Netid State Recv-Q Send-Q Local-Address Inode Peer-Address PeerInode [users:(…)]; addresses
  // may be "*" or a path (possibly with spaces), so the inodes are found around them.
  const re = /^u_(str|dgr|seq)\s+\S+\s+\d+\s+\d+\s+(.*?)\s(\d+)\s+\S.*?\s(\d+)(?:\s+users:(.*))?\s*$/;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    const peer = Number(m[4]);
    const pids = [...(m[5] ?? '').matchAll(/pid=(\d+)/g)].map((x) => Number(x[1]));
    const path = m[2]!.trim();
    rows.push({
      type: SS_TYPES[m[1] as keyof typeof SS_TYPES],
      path: path === '*' || path === '' ? null : path,
      inode: Number(m[3]),
      peerInode: peer > 0 ? peer : null,
      pids,
    });
  }
  return rows;
}

export interface MountRow {
  point: string;
  fstype: string;
}

/** Mount points and filesystem types of a mountinfo text (octal escapes such as \\040 decoded). */
export function parseMountinfo(mountinfo: string): MountRow[] {
  const out: MountRow[] = [];
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep === -1) continue;
    const point = (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    out.push({ point, fstype: line.slice(sep + 3).split(' ')[0] ?? '' });
  }
  return out;
}

/** The filesystem type a path lives on: that of the longest mount point holding it. */
export function fsTypeAt(mounts: readonly MountRow[], path: string): string | null {
  let best: MountRow | null = null;
  for (const m of mounts) {
    const holds = path === m.point || path.startsWith(m.point === '/' ? '/' : `${m.point}/`);
    if (holds && (!best || m.point.length >= best.point.length)) best = m;
  }
  return best?.fstype ?? null;
}

export const isFuse = (t: string) => t === 'fuse' || t.startsWith('fuse.') || t === 'fuseblk';
/** Memory filesystems: their files are gone after any reboot, kexec included. */
export const isMemoryFs = (t: string) => t === 'tmpfs' || t === 'ramfs';
