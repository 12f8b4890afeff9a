// Why: what CRIU cannot carry is found per workload, before anything is frozen: devices,
// io_uring, pidfds, a foreign tracer, uprobes, FUSE; and what it can carry only with a flag
// (established TCP, external unix sockets, file locks, a controlling terminal). Also what the
// restore will do to systemd units, and files replaced on disk since the process started.
import type { Finding } from '../../../shared/domain/findings';
import type { PreflightContext, SelectedWorkload } from '../context';
import { externalUnixOption, isJournalStream, JOURNAL_STDOUT_PATH } from '../../criu/journalStream';

/** Character devices CRIU handles itself (or that are terminals, handled by --shell-job). */
const HARMLESS_DEVICES = /^\/dev\/(null|zero|full|random|urandom|tty\d*|pts\/\d+|ptmx|console|shm\/.*|mqueue\/.*|hugepages\/.*|net\/tun)$/;

/** Anonymous-inode fds CRIU 3.17 has no dumper for (a dump with one fails). */
const UNDUMPABLE_ANON_INODES = [
  {
    kind: 'io_uring',
    id: 'workload.io-uring',
    message: 'The workload uses io_uring, which CRIU cannot checkpoint.',
    fix: 'Restart it with io_uring turned off (many servers have an option), or leave it out.',
  },
  {
    kind: 'perf_event',
    id: 'workload.perf-event',
    message: 'The workload holds perf event file descriptors, which CRIU cannot dump.',
    fix: 'Stop the profiling (perf, a monitoring agent) inside it, or leave it out.',
  },
  {
    kind: 'pidfd',
    id: 'workload.pidfd',
    message: 'The workload holds pidfds, which this CRIU cannot restore.',
    fix: 'Leave it out, or use a CRIU release with pidfd support.',
  },
] as const;

const list = <T>(items: T[], show: (t: T) => string, max = 6) =>
  items.slice(0, max).map(show).join('; ') + (items.length > max ? `; … (${items.length} in all)` : '');

export function selectionRules(ctx: PreflightContext): Finding[] {
  const out: Finding[] = ctx.unresolved.map((sel) => ({
    id: 'workload.not-found',
    severity: 'block' as const,
    workload: sel,
    message: `${sel} matches nothing running on the host${sel.startsWith('pid:') ? ' (the process has exited?)' : ''}.`,
    evidence: `inventory of ${ctx.inventory.processes.length} processes, ${ctx.inventory.workloads.length} workloads`,
    fix: 'Refresh the inventory and select again.',
  }));
  const seen = new Map<number, string>();
  for (const s of ctx.selected) {
    for (const pid of s.workload.pids) {
      const other = seen.get(pid);
      if (other && other !== s.selector) {
        out.push({
          id: 'workload.overlap',
          severity: 'block',
          workload: s.selector,
          message: `${s.selector} and ${other} share process ${pid}.`,
          evidence: `PID ${pid} is in both`,
          fix: 'Select each process tree once.',
        });
      }
      seen.set(pid, s.selector);
    }
  }
  return out;
}

/** A device CRIU cannot carry: "/dev/zero (deleted)" (shared anonymous memory) and a pty that went away are ones it can. */
const foreignDevice = (path: string) => {
  const p = path.replace(/ \(deleted\)$/, '');
  return p.startsWith('/dev/') && !HARMLESS_DEVICES.test(p);
};

/** CRIU copies a deleted file into the images up to its --ghost-limit (1 MiB by default). */
const DEFAULT_GHOST_LIMIT = 1024 * 1024;

function undumpable(s: SelectedWorkload): Finding[] {
  const p = s.probe;
  const out: Finding[] = [];
  const devices = [
    ...p.fds.filter((f) => foreignDevice(f.target)).map((f) => ({ pid: f.pid, path: f.target })),
    ...p.maps.filter((m) => foreignDevice(m.path)).map((m) => ({ pid: m.pid, path: m.path })),
  ];
  if (devices.length > 0) {
    out.push({
      id: 'workload.device',
      severity: 'block',
      workload: s.selector,
      message: 'The workload holds device files that CRIU cannot save (GPU, KVM, hardware).',
      evidence: list(devices, (d) => `pid ${d.pid}: ${d.path}`),
      fix: 'Stop the device users first, or leave this workload out: it will be restarted cold.',
    });
  }
  for (const k of UNDUMPABLE_ANON_INODES) {
    const fds = p.fds.filter((f) => f.target === `anon_inode:[${k.kind}]`);
    if (fds.length > 0)
      out.push({
        id: k.id,
        severity: 'block',
        workload: s.selector,
        message: k.message,
        evidence: list(fds, (f) => `pid ${f.pid} fd ${f.fd}: ${f.target}`),
        fix: k.fix,
      });
  }
  const tracers = p.tracers.filter((t) => !s.workload.pids.includes(t.tracerPid));
  if (tracers.length > 0)
    out.push({
      id: 'workload.ptrace',
      severity: 'block',
      workload: s.selector,
      message: 'A process of the workload is being traced (debugger, strace) from outside it.',
      evidence: list(tracers, (t) => `pid ${t.pid} traced by ${t.tracerPid}`),
      fix: 'Detach the tracer, then plan again.',
    });
  if (p.uprobes.length > 0)
    out.push({
      id: 'workload.uprobes',
      severity: 'block',
      workload: s.selector,
      message: 'Uprobes are attached to the workload; CRIU cannot dump a [uprobes] area.',
      evidence: `pids ${p.uprobes.join(', ')} map [uprobes]`,
      fix: 'Remove the probes (perf/bpftrace/uprobe_events) first.',
    });
  // A container's tmpfs mounts are its own: CRIU saves their contents with it (containerRules).
  if (p.memoryFsFiles.length > 0 && s.workload.kind !== 'container')
    out.push({
      id: 'workload.memory-fs-files',
      severity: 'block',
      workload: s.selector,
      message:
        'The workload holds files on tmpfs (/run, /dev/shm, a tmpfs /tmp): the new boot starts with those filesystems empty, so CRIU cannot reopen them and the restore fails.',
      evidence: list(p.memoryFsFiles, (f) => `pid ${f.pid}: ${f.path}`),
      fix: 'Have the workload close them (or keep them on disk), or leave it out; if you acknowledge this, expect the restore to fail and the plan’s fallback to run.',
    });
  if (p.fuseFiles.length > 0)
    out.push({
      id: 'workload.fuse',
      severity: 'block',
      workload: s.selector,
      message: 'The workload has files open on a FUSE filesystem; the FUSE daemon is not part of the dump.',
      evidence: list(p.fuseFiles, (f) => `pid ${f.pid}: ${f.path}`),
      fix: 'Close them, or leave the workload out.',
    });
  return out;
}

function needsFlags(ctx: PreflightContext, s: SelectedWorkload): Finding[] {
  const p = s.probe;
  const out: Finding[] = [];
  if (p.establishedTcp + p.halfClosedTcp > 0)
    out.push({
      id: 'workload.tcp-established',
      severity: 'info',
      workload: s.selector,
      message: `${p.establishedTcp + p.halfClosedTcp} connected TCP socket(s) will be carried (--tcp-established): their network is locked from the freeze until the restore.`,
      evidence: `${p.establishedTcp} ESTABLISHED${p.halfClosedTcp ? ` and ${p.halfClosedTcp} half-closed (FIN_WAIT, CLOSE_WAIT, LAST_ACK, CLOSING)` : ''} sockets in /proc/PID/net/tcp{,6}`,
      fix: 'Peers see a pause, not a reset, if the blackout stays within their timeouts.',
    });
  if (p.localTcpPeers.length > 0)
    out.push({
      id: 'workload.tcp-local-peer',
      severity: 'warn',
      workload: s.selector,
      message:
        'TCP connections of the workload lead to local processes outside the selection: those end with the old kernel, so the restored workload finds these connections reset.',
      evidence: list(
        p.localTcpPeers,
        (c) => `pid ${c.pid} ${c.local} ↔ ${c.remote}: ${c.peerNames.join(',') || '?'} (pid ${c.peerPids.join(',')})`,
      ),
      fix: 'Select the peer process too (then both ends are carried), or accept that these connections are reset and make sure the workload reconnects.',
    });
  const peers = splitUnixPeers(p);
  const showPeer = (u: (typeof peers.datagram)[number]) =>
    `pid ${u.pid} socket ${u.inode} ↔ ${u.peerPath ?? 'unnamed'} (pid ${u.peerPids.join(',') || '?'})`;
  if (peers.datagram.length > 0)
    out.push({
      id: 'workload.external-unix-socket',
      severity: 'warn',
      workload: s.selector,
      message:
        'Datagram unix sockets of the workload are connected to processes outside it (--ext-unix-sk); the peer must reconnect or be restored too.',
      evidence: list(peers.datagram, showPeer),
      fix: 'Select the peer workload too, or make sure the peer handles a reconnect.',
    });
  if (peers.stream.length > 0)
    out.push({
      id: 'workload.external-unix-stream',
      severity: 'block',
      workload: s.selector,
      message:
        'The workload holds one end of a unix stream connection whose other end is outside it; CRIU cannot dump half of a stream connection.',
      evidence: list(peers.stream, showPeer),
      fix: 'Select the peer workload too, or have the workload close that connection (reconnect later) before the upgrade.',
    });
  if (peers.journal.length > 0)
    out.push({
      id: 'workload.journal-stream',
      severity: 'info',
      workload: s.selector,
      message:
        'Its stdout/stderr go to the journal: at the restore they are connected to a new journal stream (the old journald does not survive the kexec).',
      evidence: list(peers.journal, (u) => `pid ${u.pid} socket ${u.inode} ↔ ${JOURNAL_STDOUT_PATH}`),
      fix: 'Nothing to do; lines written during the blackout are not lost, they wait in the socket buffer.',
    });
  if (p.locks.length > 0)
    out.push({
      id: 'workload.file-locks',
      severity: p.foreignLocks.length > 0 ? 'warn' : 'info',
      workload: s.selector,
      message: `The workload holds ${p.locks.length} file lock(s) (--file-locks)${p.foreignLocks.length ? '; processes outside it lock the same files' : ''}.`,
      evidence: list([...p.locks, ...p.foreignLocks], (l) => `pid ${l.pid}: ${l.file}`),
      fix: p.foreignLocks.length ? 'Stop the other lock holders, or select them too.' : 'Nothing to do.',
    });
  if (p.leases.length > 0) {
    const wait = ctx.leaseBreakTimeS ?? 45;
    out.push({
      id: 'workload.file-lease',
      severity: 'warn',
      workload: s.selector,
      message: `The workload holds ${p.leases.length} file lease(s). CRIU's dump breaks each lease and then waits for its holder to give it up, up to fs.lease-break-time (${wait} s), with every selected workload frozen; the lease is restored afterwards. (Seen on the lab: a 256 MiB tree's freeze went from under a second to 47 s.)`,
      evidence: list(p.leases, (l) => `pid ${l.pid}: ${l.access.toLowerCase()} lease on ${l.file}`),
      fix: 'Have the holder release its lease before the upgrade, or accept a freeze that long (sysctl fs.lease-break-time shortens it for every lease on the host).',
    });
  }
  if (p.externalSession)
    out.push({
      id: 'workload.external-session',
      severity: 'info',
      workload: s.selector,
      message: 'The tree is not its own session: its session leader stays outside the dump (--shell-job).',
      evidence: `pid ${p.externalSession.rootPid} is in session ${p.externalSession.sid}`,
      fix: 'Nothing to do; a daemon started with setsid would be its own session.',
    });
  if (p.externalTtys.length > 0)
    out.push({
      id: 'workload.external-terminal',
      severity: 'block',
      workload: s.selector,
      message:
        'Processes of the workload have a controlling terminal that belongs to something outside it (an SSH login, a console): that terminal ends with the old kernel, and CRIU cannot restore a process onto a terminal that is gone.',
      evidence: `pids ${p.externalTtys.slice(0, 10).join(', ')} have a controlling terminal; no process of the workload holds its pty master`,
      fix: 'Run it under systemd, or inside tmux/screen selected with it, or start it detached (setsid, stdio redirected) before the upgrade.',
    });
  else if (p.ttys.length > 0)
    out.push({
      id: 'workload.terminal',
      severity: 'info',
      workload: s.selector,
      message: 'The workload carries its own terminal (its pty master is inside it, as with tmux or screen).',
      evidence: `pids ${p.ttys.slice(0, 10).join(', ')}`,
      fix: 'Nothing to do.',
    });
  return out;
}

/** Deleted files the workload maps: CRIU copies each into the images (a "ghost") and recreates it at the restore. */
function deletedFiles(s: SelectedWorkload) {
  return s.probe.maps.filter(
    (m) =>
      m.deleted && m.path.startsWith('/') && !m.path.startsWith('/dev/') && !m.path.startsWith('/memfd:') && !m.path.startsWith('/[aio]'),
  );
}

function staleFiles(s: SelectedWorkload): Finding[] {
  const deleted = deletedFiles(s);
  const replaced = s.probe.maps.filter((m) => m.replaced);
  const out: Finding[] = [];
  if (replaced.length > 0)
    out.push({
      id: 'workload.replaced-files',
      severity: 'warn',
      workload: s.selector,
      message:
        'The workload maps files that were replaced on disk since it started (a package upgrade?): the restore maps the file now at that path, which is not the one it ran.',
      evidence: list(
        replaced.map((m) => `pid ${m.pid}: ${m.path} (replaced)`),
        (x) => x,
      ),
      fix: 'Restart the workload on the new files before the upgrade.',
    });
  if (deleted.length > 0) {
    const bytes = deleted.reduce((n, m) => n + (m.bytes ?? 0), 0);
    out.push({
      id: 'workload.deleted-files',
      severity: 'info',
      workload: s.selector,
      message: `The workload maps ${deleted.length} deleted file(s); CRIU copies them into the images (${Math.ceil(bytes / 1024)} KiB) and recreates them at the restore.`,
      evidence: list(deleted, (m) => `pid ${m.pid}: ${m.path} (deleted${m.bytes !== undefined ? `, ${m.bytes} bytes` : ''})`),
      fix: 'Nothing to do; restarting it on the new files before the upgrade saves the copy.',
    });
  }
  return out;
}

function systemdHold(s: SelectedWorkload): Finding[] {
  if (s.workload.kind !== 'service' && s.workload.kind !== 'user-service') return [];
  return [
    {
      id: 'workload.systemd-hold',
      severity: 'info',
      workload: s.selector,
      message: `${s.workload.name} is managed by systemd: on the new boot its cold start is held until the restore, then the restored processes are handed back to it.`,
      evidence: `cgroup ${s.workload.cgroup ?? '?'}`,
      fix: 'If the restore fails, the hold is released and the service starts cold (by plan policy).',
    },
  ];
}

/** External unix peers by what CRIU can do with them: journal streams, datagrams (--ext-unix-sk), other streams (nothing). */
function splitUnixPeers(p: SelectedWorkload['probe']) {
  const peers = p.externalUnixPeers;
  return {
    journal: peers.filter(isJournalStream),
    datagram: peers.filter((u) => u.type === 'dgram'),
    stream: peers.filter((u) => u.type !== 'dgram' && !isJournalStream(u)),
  };
}

/** Namespaces CRIU 3.17 cannot take from a systemd sandbox or a container without its runtime's help. */
function ownNamespaces(ctx: PreflightContext, s: SelectedWorkload): Finding[] {
  const init = ctx.inventory.processes.find((p) => p.pid === 1);
  // A container's namespaces are its runtime's to checkpoint (containerRules).
  if (!init || s.workload.kind === 'container') return [];
  const own: string[] = [];
  for (const pid of s.workload.pids) {
    const p = ctx.inventory.processes.find((x) => x.pid === pid);
    if (!p) continue;
    for (const ns of ['mnt', 'user'] as const) {
      if (p.namespaces[ns] !== null && init.namespaces[ns] !== null && p.namespaces[ns] !== init.namespaces[ns])
        own.push(`pid ${pid} ${ns}:[${p.namespaces[ns]}]`);
    }
  }
  if (own.length === 0) return [];
  const service = s.workload.kind === 'service' || s.workload.kind === 'user-service';
  return [
    {
      id: 'workload.own-namespaces',
      severity: 'block',
      workload: s.selector,
      message: service
        ? `${s.workload.name} runs in a mount or user namespace of its own (systemd sandboxing); Seamless cannot carry those yet (CRIU needs every mount of it described).`
        : 'The workload runs in a mount or user namespace of its own, and it is not a container Seamless can checkpoint through its runtime.',
      evidence: `${list(own, (x) => x)}; init: mnt:[${init.namespaces.mnt ?? '?'}] user:[${init.namespaces.user ?? '?'}]`,
      fix: service
        ? `Turn the sandboxing off for this unit and restart it before the upgrade (systemctl edit ${s.workload.name}): PrivateUsers=no, ProtectHostname=no, PrivateTmp=no, PrivateDevices=no, ProtectSystem=no, ProtectHome=no, ProtectKernelTunables=no, ProtectKernelModules=no, ProtectKernelLogs=no, ProtectControlGroups=no, ProtectClock=no, ProtectProc=default, ReadWritePaths=, NoExecPaths=, ExecPaths= (and any other *Paths=, RootDirectory=, PrivateMounts=).`
        : 'Leave it out of this upgrade (restart it afterwards).',
    },
  ];
}

export function workloadRules(ctx: PreflightContext): Finding[] {
  return ctx.selected.flatMap((s) => [
    ...undumpable(s),
    ...ownNamespaces(ctx, s),
    ...needsFlags(ctx, s),
    ...staleFiles(s),
    ...systemdHold(s),
  ]);
}

/** The CRIU options each workload needs, from the same probe. */
export function criuOptionsFor(s: SelectedWorkload): string[] {
  const p = s.probe;
  const opts: string[] = [];
  if (p.establishedTcp + p.halfClosedTcp > 0) opts.push('--tcp-established');
  const peers = splitUnixPeers(p);
  if (peers.datagram.length > 0) opts.push('--ext-unix-sk');
  for (const inode of new Set(peers.journal.map((u) => u.inode))) opts.push(externalUnixOption(inode));
  if (p.locks.length > 0) opts.push('--file-locks');
  // A terminal of its own (tmux inside) is carried like any pty; only a session leader or a
  // terminal outside the tree needs --shell-job.
  if (p.externalTtys.length > 0 || p.externalSession) opts.push('--shell-job');
  const ghost = Math.max(0, ...deletedFiles(s).map((m) => m.bytes ?? 0));
  if (ghost > DEFAULT_GHOST_LIMIT) opts.push(`--ghost-limit=${Math.ceil(ghost / (1024 * 1024)) + 1}M`);
  if (s.workload.cgroup && s.workload.cgroup !== '/') opts.push('--manage-cgroups');
  return opts;
}
