// Why: gathers, for one workload's processes, everything the workload rules judge: open files
// and what they point to, mappings (and whether their files changed on disk), sockets, locks,
// FUSE files, tracers, terminals. Read-only; a process that exits meanwhile is skipped.
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import type { Inventory, Workload } from '../../shared/domain/inventory';
import type { FdRef, WorkloadProbe } from './context';
import { parseMaps } from './procMaps';
import { connectedTcpInodes, fsTypeAt, isFuse, isMemoryFs, parseMountinfo, type TcpSocketRow, type UnixSocketRow } from './netTables';
import type { LockRow } from '../proc/locks';
import { readOptional as read } from '../fs/readOptional';

export interface HostTables {
  unixSockets: UnixSocketRow[] | null;
  /** TCP sockets with their owners (ss -tanpe); null without ss. */
  tcpSockets: TcpSocketRow[] | null;
  locks: LockRow[];
}

/** What a deleted mapping's file holds (root can stat it through map_files), when it can be known. */
function deletedBytes(procRoot: string, pid: number, range: string | undefined): number | undefined {
  if (!range) return undefined;
  try {
    return statSync(`${procRoot}/${pid}/map_files/${range}`).size;
  } catch {
    return undefined;
  }
}

export function probeWorkload(workload: Workload, inventory: Inventory, tables: HostTables, procRoot = '/proc'): WorkloadProbe {
  const pids = new Set(workload.pids);
  const procs = inventory.processes.filter((p) => pids.has(p.pid));
  const fds: FdRef[] = [];
  for (const pid of pids) {
    let names: string[] = [];
    try {
      names = readdirSync(`${procRoot}/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of names) {
      try {
        fds.push({ pid, fd, target: readlinkSync(`${procRoot}/${pid}/fd/${fd}`) });
      } catch {
        // closed meanwhile
      }
    }
  }

  const maps: WorkloadProbe['maps'] = [];
  const uprobes: number[] = [];
  const inodeNow = new Map<string, number | null>();
  for (const pid of pids) {
    const seen = new Set<string>();
    for (const m of parseMaps(read(`${procRoot}/${pid}/maps`) ?? '')) {
      if (m.path === '[uprobes]') {
        if (!uprobes.includes(pid)) uprobes.push(pid);
        continue;
      }
      if (!m.path.startsWith('/') || seen.has(m.path)) continue;
      seen.add(m.path);
      let replaced = false;
      if (!m.deleted && m.inode !== 0) {
        if (!inodeNow.has(m.path)) {
          try {
            inodeNow.set(m.path, statSync(m.path).ino);
          } catch {
            inodeNow.set(m.path, null);
          }
        }
        const now = inodeNow.get(m.path);
        replaced = now !== null && now !== undefined && now !== m.inode;
      }
      maps.push({ pid, path: m.path, deleted: m.deleted, replaced, ...(m.deleted ? { bytes: deletedBytes(procRoot, pid, m.range) } : {}) });
    }
  }

  // Sockets: TCP per network namespace, unix peers from ss.
  const socketInodes = new Map<number, number>();
  for (const f of fds) {
    const m = /^socket:\[(\d+)\]$/.exec(f.target);
    if (m) socketInodes.set(Number(m[1]), f.pid);
  }
  const established = new Set<number>();
  const halfClosed = new Set<number>();
  const nsSeen = new Set<string>();
  for (const p of procs) {
    const key = p.namespaces.net ?? String(p.pid);
    if (nsSeen.has(key)) continue;
    nsSeen.add(key);
    for (const t of ['tcp', 'tcp6']) {
      const c = connectedTcpInodes(read(`${procRoot}/${p.pid}/net/${t}`) ?? '');
      for (const i of c.established) established.add(i);
      for (const i of c.halfClosed) halfClosed.add(i);
    }
  }
  const establishedTcp = [...socketInodes.keys()].filter((i) => established.has(i)).length;
  const halfClosedTcp = [...socketInodes.keys()].filter((i) => halfClosed.has(i)).length;

  // A connection to a local process outside the workload: that end dies with the old kernel.
  const localTcpPeers: WorkloadProbe['localTcpPeers'] = [];
  if (tables.tcpSockets) {
    const byEnds = new Map(tables.tcpSockets.map((r) => [`${r.local} ${r.remote}`, r]));
    for (const r of tables.tcpSockets) {
      const pid = socketInodes.get(r.inode);
      if (pid === undefined || (!established.has(r.inode) && !halfClosed.has(r.inode))) continue;
      const peer = byEnds.get(`${r.remote} ${r.local}`);
      if (!peer || peer.pids.length === 0 || peer.pids.every((pp) => pids.has(pp))) continue;
      localTcpPeers.push({
        pid,
        local: r.local,
        remote: r.remote,
        peerPids: peer.pids.filter((pp) => !pids.has(pp)),
        peerNames: [...new Set(peer.names)],
      });
    }
  }

  const externalUnixPeers: WorkloadProbe['externalUnixPeers'] = [];
  if (tables.unixSockets) {
    const byInode = new Map(tables.unixSockets.map((r) => [r.inode, r]));
    for (const [inode, pid] of socketInodes) {
      const row = byInode.get(inode);
      if (!row || row.peerInode === null) continue;
      const peer = byInode.get(row.peerInode);
      const peerPids = peer?.pids ?? [];
      if (peerPids.length > 0 && peerPids.some((pp) => !pids.has(pp)))
        externalUnixPeers.push({
          pid,
          inode,
          peerPids: peerPids.filter((pp) => !pids.has(pp)),
          type: row.type,
          peerPath: peer?.path ?? null,
        });
    }
  }

  const locks = tables.locks.filter((l) => pids.has(l.pid)).map((l) => ({ pid: l.pid, file: l.file }));
  const leases = tables.locks
    .filter((l) => pids.has(l.pid) && (l.type === 'LEASE' || l.type === 'DELEG'))
    .map((l) => ({ pid: l.pid, file: l.file, access: l.access }));
  const lockedFiles = new Set(locks.map((l) => l.file));
  const foreignLocks = tables.locks.filter((l) => !pids.has(l.pid) && lockedFiles.has(l.file)).map((l) => ({ pid: l.pid, file: l.file }));

  const fuseFiles: WorkloadProbe['fuseFiles'] = [];
  const memoryFsFiles: WorkloadProbe['memoryFsFiles'] = [];
  const mountNs = new Set<string>();
  for (const p of procs) {
    const key = p.namespaces.mnt ?? String(p.pid);
    if (mountNs.has(key)) continue;
    mountNs.add(key);
    const mounts = parseMountinfo(read(`${procRoot}/${p.pid}/mountinfo`) ?? '');
    if (mounts.length === 0) continue;
    const files = [
      ...fds.filter((f) => f.target.startsWith('/') && !f.target.endsWith(' (deleted)')).map((f) => ({ pid: f.pid, path: f.target })),
      ...maps.filter((m) => !m.deleted).map((m) => ({ pid: m.pid, path: m.path })),
    ];
    for (const f of files) {
      const fstype = fsTypeAt(mounts, f.path);
      if (fstype && isFuse(fstype)) fuseFiles.push(f);
      else if (fstype && isMemoryFs(fstype)) memoryFsFiles.push(f);
    }
  }

  return {
    fds,
    maps,
    uprobes,
    establishedTcp,
    halfClosedTcp,
    localTcpPeers,
    externalUnixPeers,
    locks,
    leases,
    foreignLocks,
    fuseFiles,
    memoryFsFiles,
    tracers: procs.filter((p) => p.tracerPid !== 0).map((p) => ({ pid: p.pid, tracerPid: p.tracerPid })),
    ttys: procs.filter((p) => p.ttyNr !== 0).map((p) => p.pid),
    // The terminal comes with the workload only when one of its processes holds the pty master (tmux, screen).
    externalTtys: fds.some((f) => f.target === '/dev/ptmx' || f.target === '/dev/pts/ptmx')
      ? []
      : procs.filter((p) => p.ttyNr !== 0).map((p) => p.pid),
    externalSession: (() => {
      const root = procs.find((p) => p.pid === workload.rootPid);
      return root && !pids.has(root.sid) ? { rootPid: root.pid, sid: root.sid } : null;
    })(),
  };
}
