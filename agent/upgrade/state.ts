// Why: what the run before the kexec tells the restore after it: which workloads were dumped
// where, with which CRIU options, which units are held, when the freeze began. Written to the
// state directory (root filesystem) and to the store, read back by the boot hook.
import { existsSync, readFileSync, writeFileSync, renameSync, openSync, fsyncSync, closeSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { statePath } from './paths';

export interface WorkloadState {
  selector: string;
  kind: string;
  name: string;
  /** The systemd unit for service workloads (held on the restore boot), else null. */
  unit: string | null;
  rootPid: number;
  pids: number[];
  cgroup: string | null;
  /** Absolute image directory of the final dump. */
  dir: string;
  /** Pre-dump directories, oldest first (the final dump's parent chain). */
  preDumpDirs: string[];
  criuOptions: string[];
  /** Anonymous + shmem bytes when selected: about what a full dump writes. */
  estimatedBytes?: number;
  bytesDumped: number;
  /** Files the workload had resident in the page cache just before the freeze. */
  residency: { path: string; residentBytes: number; sizeBytes: number }[];
}

export interface RunState {
  id: string;
  node: string;
  agent: string;
  kernelBefore: string;
  store: { kind: 'pmem'; device: string; mount: string; dax: boolean } | { kind: 'dir'; path: string };
  /** The upgrade's directory in the store. */
  storeDir: string;
  workloads: WorkloadState[];
  /** iptables-save / ip6tables-save of CRIU's network lock, when a workload carries TCP. */
  netLock: { v4: string | null; v6: string | null } | null;
  heldUnits: string[];
  freezeAtMs: number | null;
  dumpedAtMs: number | null;
  kexecAtMs: number | null;
  kexecMode: 'direct' | 'systemctl';
  onRestoreFailure: 'kexec-back' | 'cold-start';
  /** The kernel to jump back to after a failed restore (policy kexec-back); null when /boot lacks it. */
  back?: { image: string; initrd: string | null; cmdline: string; lockdown: boolean } | null;
  /** Set just before the jump back: the restore on the old kernel is the last attempt. */
  backAttempted?: boolean;
}

export function writeDurable(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function saveState(paths: string[], state: RunState): void {
  const text = `${JSON.stringify(state, null, 2)}\n`;
  for (const p of paths) writeDurable(p, text);
}

export function loadState(path: string): RunState {
  return JSON.parse(readFileSync(path, 'utf8')) as RunState;
}

/** Where the state is kept: the state directory, and the store while it is there. */
export function statePaths(state: RunState): string[] {
  return [statePath(state.id), ...(existsSync(state.storeDir) ? [join(state.storeDir, 'state.json')] : [])];
}
