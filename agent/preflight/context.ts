// Why: every preflight rule is a pure function of this one picture of the host and the plan,
// gathered once (gather.ts). Rules never touch the host themselves, so each can be tested with
// a case that fires and one that does not.
import type { DeviceUse } from '../upgrade/storeDevice';
import type { UnixSocketRow } from './netTables';
import type { HostFacts } from '../../shared/domain/hostFacts';
import type { Inventory, Workload } from '../../shared/domain/inventory';
import type { Plan } from '../../shared/plan/plan';
import type { ImageCheck } from './kernelImage';
import type { Containers } from '../../shared/domain/containers';

export interface FdRef {
  pid: number;
  fd: string;
  target: string;
}

export interface WorkloadProbe {
  fds: FdRef[];
  /** Mapped paths (deduplicated per pid); `bytes` of a deleted file (what CRIU copies as a ghost), when known. */
  maps: { pid: number; path: string; deleted: boolean; replaced: boolean; bytes?: number }[];
  uprobes: number[];
  establishedTcp: number;
  /** Connected TCP sockets past ESTABLISHED (FIN_WAIT, CLOSE_WAIT, LAST_ACK, CLOSING): also need --tcp-established. */
  halfClosedTcp: number;
  /** Connected TCP sockets whose other end is a local process outside the workload (it dies with the old kernel). */
  localTcpPeers: { pid: number; local: string; remote: string; peerPids: number[]; peerNames: string[] }[];
  /** Processes with a controlling terminal whose pty master no process of the workload holds (it ends with the old kernel). */
  externalTtys: number[];
  /** Unix sockets whose peer is held by a process outside the workload. */
  externalUnixPeers: { pid: number; inode: number; peerPids: number[]; type: UnixSocketRow['type']; peerPath: string | null }[];
  locks: { pid: number; file: string }[];
  /** File leases (and NFS delegations) the workload holds: CRIU breaks each at the dump. */
  leases: { pid: number; file: string; access: string }[];
  /** Locks on the same files held by processes outside the workload. */
  foreignLocks: { pid: number; file: string }[];
  fuseFiles: { pid: number; path: string }[];
  /** Files held open or mapped on tmpfs/ramfs (not deleted): a reboot, kexec included, empties those. */
  memoryFsFiles: { pid: number; path: string }[];
  tracers: { pid: number; tracerPid: number }[];
  ttys: number[];
  /** The tree's root is not its session's leader (the leader is outside the dump). */
  externalSession: { rootPid: number; sid: number } | null;
}

export interface SelectedWorkload {
  selector: string;
  workload: Workload;
  probe: WorkloadProbe;
}

export interface PreflightContext {
  plan: Plan;
  facts: HostFacts;
  inventory: Inventory;
  selected: SelectedWorkload[];
  /** Selectors that match nothing on the host (a PID that exited, a unit that does not run). */
  unresolved: string[];
  newKernel: {
    image: ImageCheck | { ok: false; reason: string };
    initrdExists: boolean | null;
    config: Map<string, string> | null;
    configPath: string | null;
    /** The command line the new kernel will boot with. */
    cmdline: string;
  };
  store:
    | {
        kind: 'pmem';
        device: string;
        deviceBytes: number | null;
        mountedDax: boolean;
        /** What formatting it would destroy (null: not read, the device is missing). */
        use: DeviceUse | null;
      }
    | { kind: 'dir'; path: string; freeBytes: number | null; reason: string | null };
  estimatedImageBytes: number;
  /** /proc/sys/fs/lease-break-time: how long a broken lease is waited for, in seconds (null: unreadable). */
  leaseBreakTimeS: number | null;
  /** The container runtimes and their containers, when a container is selected (else null). */
  containers: Containers | null;
  /** The OCI runtimes of the selected podman containers: whether each is built with CRIU. */
  ociRuntimes: { name: string; criu: boolean; evidence: string }[];
  /** Checks that could not run here, and why. */
  limits: string[];
}
