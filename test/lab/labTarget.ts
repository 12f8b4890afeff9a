// Why: status, exec and ssh all need "the running lab, if any": its QEMU PID,
// port, image entry and SSH target. Resolved here once, from the run state.
import { labDir, runPaths } from './labPaths.js';
import { liveQemuPid, readRunState, type RunState } from './runState.js';
import { listEntries, readEntry, type CacheEntry } from './cacheEntry.js';
import type { SshTarget } from './ssh.js';
import { LabError } from './errors.js';

export interface RunningLab {
  root: string;
  pid: number;
  state: RunState;
  entry: CacheEntry;
  target: SshTarget;
}

export function sshTarget(root: string, entry: CacheEntry, port: number): SshTarget {
  return {
    host: '127.0.0.1',
    port,
    user: 'root',
    keyPath: entry.paths.clientKey,
    knownHostsPath: runPaths(root).knownHosts,
  };
}

export function findRunningLab(root = labDir()): RunningLab | undefined {
  const pid = liveQemuPid(root);
  const state = readRunState(root);
  if (pid === undefined || state === undefined) return undefined;
  const entry = readEntry(root, state.imageKey);
  if (entry === undefined) return undefined;
  return { root, pid, state, entry, target: sshTarget(root, entry, state.port) };
}

export function requireRunningLab(root = labDir()): RunningLab {
  const lab = findRunningLab(root);
  if (!lab) throw new LabError('NOT_RUNNING', 'the lab is not running: start it with `npx tsx test/lab/cli.ts up`');
  return lab;
}

/** The entry a stopped lab would describe: the newest finished image. */
export function newestEntry(root = labDir()): CacheEntry | undefined {
  return listEntries(root)[0];
}
