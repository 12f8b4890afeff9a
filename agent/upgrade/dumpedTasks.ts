// Why: a dump leaves its tasks stopped (CRIU's --leave-stopped), not killed, until every dump of
// the upgrade has succeeded. Then they are killed together (the commit: the same end state as
// CRIU's default); if a later dump fails they are only continued (the thaw: milliseconds, where a
// restore in place from the images takes seconds per workload). A workload that carries TCP is
// the exception: CRIU leaves its sockets in repair mode behind the network lock, which a thaw
// would not undo, so it is dumped the default way (killed) and last, and comes back by a restore
// in place if the upgrade stops.
import { sleep } from '../exec/sh';
import { readText } from '../fs/readOptional';
import { treePids } from '../proc/processTree';
import { parseStat } from '../proc/stat';
import type { WorkloadState } from './state';

/**
 * A dump that can be undone by a thaw: the workload's sockets are not in repair mode, and CRIU
 * itself dumped it (a container's runtime has no --leave-stopped: its checkpoint ends the container).
 */
export const thawable = (w: Pick<WorkloadState, 'criuOptions' | 'container'>): boolean =>
  !w.criuOptions.includes('--tcp-established') && !w.container;

/** The dump order: thawable workloads first, so that a failure among them never needs a restore in place. */
export const dumpOrder = <W extends Pick<WorkloadState, 'criuOptions' | 'container'>>(workloads: readonly W[]): W[] => [
  ...workloads.filter(thawable),
  ...workloads.filter((w) => !thawable(w)),
];

/** The CRIU option for a workload's final dump. */
export const finalState = (w: Pick<WorkloadState, 'criuOptions' | 'container'>): string[] => (thawable(w) ? ['--leave-stopped'] : []);

/** The process's state letter (proc(5): R, S, D, T, Z …), '' when it is gone. */
const procState = (pid: number): string => parseStat(readText(`/proc/${pid}/stat`))?.state ?? '';

/** True when the process is alive and stopped (state T: the stop a --leave-stopped dump leaves). */
export const isStopped = (pid: number): boolean => procState(pid) === 'T';

function signalAll(pids: number[], signal: NodeJS.Signals): number {
  let sent = 0;
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      sent++;
    } catch {
      // gone already
    }
  }
  return sent;
}

/**
 * The freeze, together: every task of these workloads stopped (SIGSTOP) at once, before the first
 * dump, so the ones dumped last do not run on meanwhile (taking CPU from the dumps, and drifting
 * from the state of the ones dumped first). CRIU records the stop; a --leave-stopped restore and
 * the thaw after it end it, as they end the stop a --leave-stopped dump leaves. Returns how many
 * tasks were stopped.
 */
export function stopTogether(workloads: readonly Pick<WorkloadState, 'rootPid'>[]): number {
  return workloads.reduce((n, w) => n + signalAll(treePids(w.rootPid), 'SIGSTOP'), 0);
}

/** Continues every task of the stopped workloads. Returns how many tasks were continued. */
export function thaw(workloads: readonly Pick<WorkloadState, 'rootPid'>[]): number {
  return workloads.reduce((n, w) => n + signalAll(treePids(w.rootPid), 'SIGCONT'), 0);
}

/**
 * Kills every task of the stopped workloads (their images are complete) and returns the PIDs it
 * signalled. Their exit is not waited for here: a task gives its memory back as it exits (under
 * emulation most of a second for 1 GiB, a cost that grows with the memory), and the jump does not
 * need it gone. A restore in place does: awaitGone.
 */
export function killStopped(workloads: readonly Pick<WorkloadState, 'rootPid'>[]): number[] {
  const pids = workloads.flatMap((w) => treePids(w.rootPid));
  signalAll(pids, 'SIGKILL');
  return pids;
}

/** Waits, up to `timeoutMs`, until the PIDs are free (a zombie holds its PID until its parent reaps it); returns those still there. */
export async function awaitGone(pids: readonly number[], timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = [...pids];
  while ((left = left.filter((p) => procState(p) !== '')).length > 0 && Date.now() < deadline) await sleep(20);
  return left;
}
